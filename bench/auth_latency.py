"""Sign-in and authenticated-request latency over the real binary (issue 6).

    BELLWETHER_BIN=build/app/bellwether python3 bench/auth_latency.py

Twenty password sign-ins (right, wrong, unknown user: the last two should
cost the same as the first, so timing does not reveal which names exist) and
200 GET /api/v1/me by session cookie and by bearer token, each on a new
loopback connection (urllib). Prints (median ms, max ms)."""
import sys, time, statistics
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../tests/integration"))
from harness import BellwetherServer
from test_accounts import Browser
with BellwetherServer(extra_config="[auth]\nmax_failures_per_account = 1000\nmax_failures_per_address = 1000\n") as s:
    ops = s.create_user("ops", admin=True)
    s.api("POST", "/api/v1/users", {"name": "m", "password": "m-password-1"}, token=ops)
    b = Browser(s)
    def timed(f, n):
        out = []
        for _ in range(n):
            t = time.perf_counter(); f(); out.append((time.perf_counter() - t) * 1000)
        return statistics.median(out), max(out)
    print("sign-in ok (ms median,max):", timed(lambda: b.sign_in("m", "m-password-1"), 20))
    print("sign-in wrong password:", timed(lambda: Browser(s).sign_in("m", "nope-nope-1"), 20))
    print("sign-in unknown user:", timed(lambda: Browser(s).sign_in("ghost", "nope-nope-1"), 20))
    print("GET /me cookie:", timed(lambda: b.api("GET", "/api/v1/me"), 200))
    print("GET /me bearer:", timed(lambda: s.api("GET", "/api/v1/me", token=ops), 200))
