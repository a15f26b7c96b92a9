"""Alerts as code and bulk export/import through the real binary: the alerts
directory is synced at start and on reload (added, changed, removed), an
invalid file refuses the reload and keeps the old state, managed alerts are
read-only through the API, and a user's alerts round-trip through TOML by CLI
and API, never into or out of someone else's account."""
import os
import signal
import unittest

from harness import BellwetherServer

HOOK = "http://127.0.0.1:9/desk-hook"

DESK = """
[[alert]]
id = "aapl-up"
owner = "alice"
symbol = "AAPL"
name = "AAPL breakout"
condition = { type = "crossing_up", price = 150.10 }

[[alert]]
id = "msft-low"
owner = "alice"
symbol = "MSFT"
condition = { type = "below", price = "380.00" }
trigger = { mode = "every_time", cooldown = "30s" }
"""

BOB = """
[[alert]]
id = "spy"
owner = "bob"
symbol = "SPY"
condition = { type = "above", price = 600 }
"""


class AlertsAsCodeTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer()
        self.alerts_dir = os.path.join(self.server.data_dir, "alerts.d")
        os.makedirs(self.alerts_dir)
        self.extra = (f'[alerts]\ndirectory = "{self.alerts_dir}"\n'
                      '[delivery]\nallowed_private_addresses = ["127.0.0.1"]\n')
        self.server.write_config(extra_config=self.extra)
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        self.bob = self.server.create_user("bob")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def write(self, name, text):
        with open(os.path.join(self.alerts_dir, name), "w") as f:
            f.write(text)

    def reload(self):
        return self.server.api("POST", "/api/v1/admin/reload", token=self.ops)

    def alerts(self, token):
        status, body = self.server.api("GET", "/api/v1/alerts", token=token)
        self.assertEqual(status, 200, body)
        return body["items"]

    def by_key(self, token):
        return {a["managed"]["id"]: a for a in self.alerts(token) if a["managed"]}

    def test_files_are_loaded_at_start_marked_managed_and_fire(self):
        self.write("desk.toml", DESK)
        self.write("bob.toml", BOB)
        self.server.start()
        alice = self.by_key(self.alice)
        self.assertEqual(sorted(alice), ["aapl-up", "msft-low"])
        self.assertEqual(alice["aapl-up"]["managed"], {"file": "desk.toml", "id": "aapl-up"})
        self.assertEqual(alice["aapl-up"]["condition"], {"type": "crossing_up", "price": 150.1})
        self.assertEqual(alice["aapl-up"]["name"], "AAPL breakout")
        self.assertEqual(alice["aapl-up"]["state"], "armed")
        self.assertEqual(alice["msft-low"]["trigger"], {"mode": "every_time", "cooldown": "30s"})
        self.assertEqual(list(self.by_key(self.bob)), ["spy"])
        self.assertIn("alerts: " + self.alerts_dir + " (2 files): 3 added", self.server.read_log())
        with self.server.stream(self.alice) as events:
            self.server.push(self.ops, 150, 151, symbol="AAPL")
            self.assertIn("AAPL", events.next_event("notification")["data"])
        # A restart with the same files changes nothing (ids and states stay).
        fired = self.by_key(self.alice)["aapl-up"]
        self.server.stop()
        self.server.start()
        again = self.by_key(self.alice)["aapl-up"]
        self.assertEqual((again["id"], again["state"]), (fired["id"], "triggered"))
        self.assertIn("0 added, 0 changed, 0 removed, 3 unchanged", self.server.read_log())

    def test_reload_adds_changes_and_removes_alerts_to_match_the_files(self):
        self.write("desk.toml", DESK)
        self.server.start()
        before = self.by_key(self.alice)
        status, body = self.server.api("POST", "/api/v1/channels", {"type": "webhook", "url": HOOK},
                                       token=self.alice)
        self.assertEqual(status, 201, body)
        hook_id = body["id"]
        changed = DESK.replace("price = 150.10", "price = 155").replace('name = "AAPL breakout"', "")
        changed = changed.replace('id = "msft-low"', 'id = "msft-low2"')
        changed += f'channels = ["{HOOK}"]\n'  # on msft-low2, the last alert
        self.write("desk.toml", changed)
        self.write("bob.toml", BOB)
        status, body = self.reload()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["alerts"], {"files": 2, "added": 2, "changed": 1, "removed": 1,
                                          "unchanged": 0})
        after = self.by_key(self.alice)
        self.assertEqual(sorted(after), ["aapl-up", "msft-low2"])
        # Changed in place: same id, new definition.
        self.assertEqual(after["aapl-up"]["id"], before["aapl-up"]["id"])
        self.assertEqual(after["aapl-up"]["condition"]["price"], 155)
        self.assertEqual(after["aapl-up"]["name"], "")
        self.assertEqual(after["msft-low2"]["channels"], [hook_id])
        self.assertEqual(self.server.api("GET", f"/api/v1/alerts/{before['msft-low']['id']}",
                                         token=self.alice)[0], 404)
        self.assertEqual(list(self.by_key(self.bob)), ["spy"])
        # The engine follows: the old threshold no longer fires, the new one does.
        with self.server.stream(self.alice) as events:
            self.server.push(self.ops, 150, 151, 154, 156, symbol="AAPL")
            self.assertIn("AAPL crossed above 155", events.next_event("notification")["data"])
        # Removing a file removes its alerts (SIGHUP reloads the same way).
        os.remove(os.path.join(self.alerts_dir, "bob.toml"))
        self.server.process.send_signal(signal.SIGHUP)
        self.server.wait_for(lambda: not self.by_key(self.bob), what="bob's alert removed")

    def test_an_invalid_file_refuses_the_whole_reload_and_keeps_the_old_alerts(self):
        self.write("desk.toml", DESK)
        self.server.start()
        before = self.alerts(self.alice)
        self.write("bob.toml", BOB)  # valid, but the reload is refused whole
        self.write("desk.toml", DESK.replace('price = "380.00"', 'price = "-1"'))
        self.write("other.toml", '[[alert]]\nid = "x"\nowner = "nobody"\nsymbol = "X"\n'
                                 'condition = { type = "above", price = 1 }\n')
        self.server.write_config(extra_config=self.extra + '[log]\nlevel = "debug"\n')
        status, body = self.reload()
        self.assertEqual(status, 422, body)
        desk = os.path.join(self.alerts_dir, "desk.toml")
        other = os.path.join(self.alerts_dir, "other.toml")
        self.assertIn(f"{desk}:13:39: alert[1].condition.price: must be greater than zero",
                      body["detail"])
        self.assertIn(f'{other}:3:9: alert[0].owner: no user named "nobody"', body["detail"])
        self.assertEqual(self.alerts(self.alice), before)
        self.assertEqual(self.alerts(self.bob), [])
        self.assertIn("reload refused", self.server.read_log())
        self.assertNotIn("config: reloaded", self.server.read_log())

    def test_an_invalid_file_at_start_stops_the_start(self):
        self.write("desk.toml", DESK.replace('type = "below"', 'type = "under"'))
        with self.assertRaises(AssertionError) as failure:
            self.server.start()
        self.assertIn("desk.toml:13:22: alert[1].condition.type: unknown type \"under\"",
                      str(failure.exception))
        result = self.server.cli("config", "check", self.server.config, check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("alert[1].condition.type: unknown type", result.stderr)

    def test_a_missing_directory_does_not_remove_managed_alerts(self):
        self.write("desk.toml", DESK)
        self.server.start()
        os.remove(os.path.join(self.alerts_dir, "desk.toml"))
        os.rmdir(self.alerts_dir)
        status, body = self.reload()
        self.assertEqual(status, 422, body)
        self.assertIn("alerts directory not found; the managed alerts stay", body["detail"])
        self.assertEqual(len(self.by_key(self.alice)), 2)
        os.makedirs(self.alerts_dir)  # now empty: every managed alert goes
        status, body = self.reload()
        self.assertEqual((status, body["alerts"]["removed"]), (200, 2), body)
        self.assertEqual(self.alerts(self.alice), [])

    def test_managed_alerts_are_read_only_through_the_api(self):
        self.write("desk.toml", DESK)
        self.server.start()
        alert = self.by_key(self.alice)["aapl-up"]
        path = f"/api/v1/alerts/{alert['id']}"
        for method, suffix, body in (("PATCH", "", {"name": "mine"}), ("DELETE", "", None),
                                     ("POST", "/pause", {})):
            status, problem = self.server.api(method, path + suffix, body, token=self.alice)
            self.assertEqual(status, 409, (method, suffix, problem))
            self.assertIn("managed by alerts file desk.toml (id \"aapl-up\")", problem["detail"])
        # Someone else still gets a 404, never the 409.
        self.assertEqual(self.server.api("DELETE", path, token=self.bob)[0], 404)
        self.assertEqual(self.by_key(self.alice)["aapl-up"], alert)
        # Resume only re-arms: the owner may re-arm a managed alert that fired.
        self.server.push(self.ops, 150, 151, symbol="AAPL")
        self.server.wait_for(lambda: self.by_key(self.alice)["aapl-up"]["state"] == "triggered",
                             what="the managed alert to fire")
        status, body = self.server.api("POST", path + "/resume", {}, token=self.alice)
        self.assertEqual((status, body["state"]), (200, "armed"), body)
        # Alerts made through the API stay editable.
        status, own = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "OWN", "condition": {"type": "above", "price": 1}}, token=self.alice)
        self.assertEqual(status, 201)
        self.assertIsNone(own["managed"])
        self.assertEqual(self.server.api("DELETE", f"/api/v1/alerts/{own['id']}", token=self.alice)[0], 204)


class ExportImportTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer(
            extra_config='[delivery]\nallowed_private_addresses = ["127.0.0.1"]\n').start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        self.bob = self.server.create_user("bob")
        status, hook = self.server.api("POST", "/api/v1/channels", {"type": "webhook", "url": HOOK},
                                       token=self.alice)
        self.assertEqual(status, 201, hook)
        self.hook_id = hook["id"]
        for body in ({"symbol": "AAPL", "name": "quote \" é", "channels": [self.hook_id],
                      "condition": {"type": "crossing_up", "price": "150.12345678"}},
                     {"symbol": "SPY", "condition": {"type": "outside_channel", "lower": 560, "upper": 590},
                      "trigger": {"mode": "once_per", "interval": "1h"},
                      "expires_at": "2031-01-01T00:00:00Z"},
                     {"symbol": "MSFT", "condition": {"type": "below", "price": 380},
                      "trigger": {"mode": "every_time", "cooldown": "30s", "rearm": {"percent": 0.5}}}):
            status, created = self.server.api("POST", "/api/v1/alerts", body, token=self.alice)
            self.assertEqual(status, 201, created)

    def tearDown(self):
        self.server.__exit__(None, None, None)

    @staticmethod
    def definitions(items):
        keys = ("symbol", "name", "condition", "trigger", "expires_at", "channels")
        return sorted((tuple(repr(a[k]) for k in keys) for a in items))

    def alerts(self, token):
        return self.server.api("GET", "/api/v1/alerts", token=token)[1]["items"]

    def export(self, token):
        status, headers, text = self.server.request("GET", "/api/v1/alerts/export", token=token)
        self.assertEqual(status, 200, text)
        self.assertTrue(headers["Content-Type"].startswith("application/toml"), headers)
        return text

    def import_(self, token, text, content_type="application/toml"):
        status, _, body = self.server.request("POST", "/api/v1/alerts/import", token=token,
                                              raw=text.encode(), headers={"Content-Type": content_type})
        return status, body

    def test_api_export_then_import_round_trips_every_alert(self):
        original = self.alerts(self.alice)
        text = self.export(self.alice)
        self.assertEqual(text.count("[[alert]]"), 3)
        self.assertIn(f'channels = ["{HOOK}"]', text)
        status, body = self.import_(self.alice, text)
        self.assertEqual(status, 201, body)
        after = self.alerts(self.alice)
        self.assertEqual(len(after), 6)
        self.assertEqual(self.definitions(after[3:]), self.definitions(original))
        self.assertTrue(all(a["state"] == "armed" and a["managed"] is None for a in after[3:]))
        # Imported alerts are armed at once.
        with self.server.stream(self.alice) as events:
            self.server.push(self.ops, 150, 151, symbol="AAPL")
            events.next_event("notification")
            events.next_event("notification")

    def test_cli_export_then_import_round_trips_every_alert(self):
        path = os.path.join(self.server.data_dir, "alice.toml")
        self.server.cli("alerts", "export", "--user", "alice", "--out", path)
        stdout = self.server.cli("alerts", "export", "--user", "alice").stdout
        with open(path) as f:
            self.assertEqual(f.read().split("\n")[2:], stdout.split("\n")[2:])  # past the time line
        self.server.stop()
        result = self.server.cli("alerts", "import", "--user", "alice", path)
        self.assertIn("imported 3 alert(s) for alice", result.stdout)
        self.server.start()
        after = self.alerts(self.alice)
        self.assertEqual(self.definitions(after[3:]), self.definitions(after[:3]))
        self.assertEqual([a["state"] for a in after[3:]], ["armed"] * 3)

    def test_an_invalid_import_lists_every_problem_and_changes_nothing(self):
        before = self.alerts(self.alice)
        text = ('[[alert]]\nsymbol = "OK"\ncondition = { type = "above", price = 1 }\n'
                '[[alert]]\nsymbol = "BAD"\ncondition = { type = "above", price = 0 }\n'
                '[[alert]]\nsymbol = "PAST"\ncondition = { type = "above", price = 1 }\n'
                'expires_at = 2001-01-01T00:00:00Z\n'
                '[[alert]]\nsymbol = "CH"\ncondition = { type = "above", price = 1 }\n'
                'channels = ["https://nowhere.example/x"]\n')
        status, body = self.import_(self.alice, text, "text/plain")
        self.assertEqual(status, 400, body)
        self.assertIn("body:6:39: alert[1].condition.price: must be greater than zero", body)
        self.assertIn("body:10:14: alert[2].expires_at: must be in the future", body)
        self.assertIn('body:14:13: alert[3].channels[0]: alice has no channel \\"https://nowhere.example/x\\"',
                      body)
        self.assertEqual(self.alerts(self.alice), before)
        self.assertEqual(self.import_(self.alice, "[[alert]]\n", "application/json")[0], 415)
        result = self.server.cli("alerts", "import", "--user", "alice", "/nonexistent.toml", check=False)
        self.assertEqual(result.returncode, 1)

    def test_another_user_can_neither_import_into_nor_export_someone_elses_alerts(self):
        text = self.export(self.alice)
        # Bob's export holds only his (no) alerts.
        self.assertNotIn("[[alert]]", self.export(self.bob))
        # The file names alice as owner: bob cannot import it into either account.
        status, body = self.import_(self.bob, text)
        self.assertEqual(status, 400, body)
        self.assertIn('owner: is \\"alice\\", but these alerts are imported for bob', body)
        # Without the owner lines, alice's channel is still not bob's.
        status, body = self.import_(self.bob, text.replace('owner = "alice"\n', ""))
        self.assertEqual(status, 400, body)
        self.assertIn(f'bob has no channel \\"{HOOK}\\"', body)
        self.assertEqual(self.alerts(self.bob), [])
        self.assertEqual(len(self.alerts(self.alice)), 3)
        # Without the channels, bob gets copies of his own; alice's stay hers.
        status, body = self.server.request("POST", "/api/v1/alerts/import", token=self.bob, headers={
            "Content-Type": "application/toml"},
            raw=text.replace('owner = "alice"\n', "").replace(f'channels = ["{HOOK}"]\n', "").encode())[::2]
        self.assertEqual(status, 201, body)
        self.assertEqual(len(self.alerts(self.bob)), 3)
        self.assertEqual(len(self.alerts(self.alice)), 3)
        result = self.server.cli("alerts", "import", "--user", "bob",
                                 self._file(text), check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn('owner: is "alice", but these alerts are imported for bob', result.stderr)

    def _file(self, text):
        path = os.path.join(self.server.data_dir, "import.toml")
        with open(path, "w") as f:
            f.write(text)
        return path


if __name__ == "__main__":
    unittest.main()
