"""Alerts-as-code sync and bulk export/import over the real binary (issue 7).

    BELLWETHER_BIN=build/app/bellwether python3 bench/alerts_as_code.py [N]

N managed alerts (default 1000, the per-file bound) in one alerts.d file for
one owner; times POST /api/v1/admin/reload (which re-reads the config and
every alert file, validates, diffs and writes in one transaction) when all N
are added, when none changed, when all N changed, and when all N are removed;
then GET /api/v1/alerts/export and POST /api/v1/alerts/import of N alerts.
Each figure is the median of 5 runs in ms (wall clock over loopback)."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../tests/integration"))
from harness import BellwetherServer

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


def alerts_file(n, price):
    return "".join(f'[[alert]]\nid = "a{i}"\nowner = "alice"\nsymbol = "S{i % 500}"\n'
                   f'condition = {{ type = "crossing_up", price = {price + i} }}\n'
                   f'trigger = {{ mode = "every_time", cooldown = "30s" }}\n' for i in range(n))


server = BellwetherServer()
directory = os.path.join(server.data_dir, "alerts.d")
os.makedirs(directory)
server.write_config(extra_config=f'[alerts]\ndirectory = "{directory}"\n')
with open(server.config) as f:
    text = f.read()
with open(server.config, "w") as f:
    f.write(text.replace('max_body_bytes = "64KiB"', 'max_body_bytes = "4MiB"'))
with server:
    ops = server.create_user("ops", admin=True)
    alice = server.create_user("alice")
    path = os.path.join(directory, "desk.toml")

    def reload_ms(content):
        if content is None:
            os.remove(path) if os.path.exists(path) else None
        else:
            with open(path, "w") as f:
                f.write(content)
        t = time.perf_counter()
        status, body = server.api("POST", "/api/v1/admin/reload", token=ops)
        elapsed = (time.perf_counter() - t) * 1000
        assert status == 200, body
        return elapsed, body["alerts"]

    rows = {"add": [], "unchanged": [], "change all": [], "remove all": []}
    for _ in range(5):
        ms, a = reload_ms(alerts_file(N, 100)); assert a["added"] == N, a; rows["add"].append(ms)
        ms, a = reload_ms(alerts_file(N, 100)); assert a["unchanged"] == N, a; rows["unchanged"].append(ms)
        ms, a = reload_ms(alerts_file(N, 200)); assert a["changed"] == N, a; rows["change all"].append(ms)
        ms, a = reload_ms(None); assert a["removed"] == N, a; rows["remove all"].append(ms)
    for name, values in rows.items():
        print(f"reload, {N} managed alerts, {name}: {statistics.median(values):.1f} ms")
    text = alerts_file(N, 100).replace('owner = "alice"\n', "")
    imports, exports = [], []
    for _ in range(5):
        t = time.perf_counter()
        status, _, body = server.request("POST", "/api/v1/alerts/import", token=alice, raw=text.encode(),
                                         headers={"Content-Type": "application/toml"})
        imports.append((time.perf_counter() - t) * 1000)
        assert status == 201, body
        t = time.perf_counter()
        status, _, exported = server.request("GET", "/api/v1/alerts/export", token=alice)
        exports.append((time.perf_counter() - t) * 1000)
        assert status == 200
    print(f"import of {N} alerts (API): {statistics.median(imports):.1f} ms")
    print(f"export of {N}..{5 * N} alerts (API): {statistics.median(exports):.1f} ms "
          f"(last: {exported.count('[[alert]]')} alerts, {len(exported) // 1024} KiB)")
