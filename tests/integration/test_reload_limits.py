"""Hot reload of the limits (POST /api/v1/admin/reload) over the real binary:
[auth] sign-in limits and session expiry, web.max_body_bytes and the [stream]
limits apply without a restart and without dropping event streams; keys that
need a restart are named and not applied."""
import time
import unittest

from harness import BellwetherServer


class ReloadLimitsTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def edit_config(self, *replacements):
        with open(self.server.config) as f:
            text = f.read()
        for old, new in replacements:
            self.assertIn(old, text)
            text = text.replace(old, new, 1)
        with open(self.server.config, "w") as f:
            f.write(text)

    def reload(self):
        status, body = self.server.api("POST", "/api/v1/admin/reload", token=self.ops)
        self.assertEqual(status, 200, body)
        return body

    def assert_stream_alive(self, events, price):
        status, _ = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "LIVE", "condition": {"type": "crossing_up", "price": price},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201)
        self.server.push(self.ops, price - 1, price + 1, symbol="LIVE")
        self.assertIn(f"LIVE crossed above {price}.00", events.next_event("notification")["data"])

    def sign_in(self, name, password):
        return self.server.request("POST", "/api/v1/session", {"username": name, "password": password})

    def test_a_lower_body_limit_applies_at_once_and_one_above_the_ceiling_needs_a_restart(self):
        body = b"[" + b" " * 2048 + b"]"
        self.assertEqual(self.server.api("POST", "/api/v1/quotes", raw=body, token=self.ops)[0], 400)
        self.edit_config(('max_body_bytes = "64KiB"', 'max_body_bytes = "1KiB"'))
        self.assertEqual(self.reload()["applied"], ["web.max_body_bytes"])
        status, problem = self.server.api("POST", "/api/v1/quotes", raw=body, token=self.ops)
        self.assertEqual(status, 413)
        self.assertIn("body: larger than the server's limit", problem["detail"])
        # Back up to 1 MiB (the ceiling: the start value, or 1 MiB if more) applies too...
        self.edit_config(('max_body_bytes = "1KiB"', 'max_body_bytes = "1MiB"'))
        self.assertEqual(self.reload()["applied"], ["web.max_body_bytes"])
        self.assertEqual(self.server.api("POST", "/api/v1/quotes", raw=body, token=self.ops)[0], 400)
        # ...beyond it needs a restart, and the running limit stays.
        self.edit_config(('max_body_bytes = "1MiB"', 'max_body_bytes = "4MiB"'))
        report = self.reload()
        self.assertEqual((report["applied"], report["restart_required"]), ([], ["web.max_body_bytes"]))
        big = b"[" + b" " * (1 << 20) + b"]"
        self.assertEqual(self.server.api("POST", "/api/v1/quotes", raw=big, token=self.ops)[0], 413)

    def test_a_lower_sign_in_limit_applies_at_once(self):
        status, _ = self.server.api("POST", "/api/v1/users", {"name": "bob", "password": "bob-initial-pw"},
                                    token=self.ops)
        self.assertEqual(status, 201)
        for _ in range(2):  # the default allows 5 failures per account
            self.assertEqual(self.sign_in("bob", "wrong-password")[0], 401)
        self.edit_config(("[engine]\n", "[auth]\nmax_failures_per_account = 2\n[engine]\n"))
        self.assertEqual(self.reload()["applied"], ["auth.max_failures_per_account"])
        status, headers, _ = self.sign_in("bob", "bob-initial-pw")
        self.assertEqual(status, 429)
        self.assertIn("Retry-After", headers)

    def test_a_shorter_session_idle_timeout_applies_to_open_sessions(self):
        status, _ = self.server.api("POST", "/api/v1/users", {"name": "bob", "password": "bob-initial-pw"},
                                    token=self.ops)
        self.assertEqual(status, 201)
        status, headers, _ = self.sign_in("bob", "bob-initial-pw")
        self.assertEqual(status, 201)
        cookie = next(v for k, v in headers.items() if k.lower() == "set-cookie").split(";", 1)[0]
        self.assertEqual(self.server.api("GET", "/api/v1/session", headers={"Cookie": cookie})[0], 200)
        self.edit_config(("[engine]\n", '[auth]\nsession_idle_timeout = "1s"\n[engine]\n'))
        self.assertEqual(self.reload()["applied"], ["auth.session_idle_timeout"])
        time.sleep(2.2)  # idle past the new timeout (the old one was 30 minutes)
        status, problem = self.server.api("GET", "/api/v1/session", headers={"Cookie": cookie})
        self.assertEqual(status, 401)
        self.assertIn("session expired", problem["detail"])

    def test_stream_limits_apply_to_open_and_new_streams_without_dropping_any(self):
        # Start with a heartbeat an hour apart: an open stream sees none...
        self.edit_config(('heartbeat = "300ms"', 'heartbeat = "1h"'))
        self.server.stop()
        self.server.start()
        with self.server.stream(self.alice) as first, self.server.stream(self.ops) as second:
            self.edit_config(('heartbeat = "1h"', 'heartbeat = "200ms"'),
                             ("[storage]\n", "max_clients = 2\n[storage]\n"))
            report = self.reload()
            self.assertEqual(report["applied"], ["stream.heartbeat", "stream.max_clients"])
            self.assertEqual(report["restart_required"], [])
            # ...until the reload: the open stream gets heartbeats at the new interval.
            first.events_until_heartbeat("quote")
            # The new bound refuses a third client but closes neither open one.
            with self.server.stream(self.alice) as third:
                self.assertEqual(third.status, 503)
            self.assert_stream_alive(first, 700)
            second.events_until_heartbeat("quote")

    def test_listen_addresses_and_the_data_directory_still_need_a_restart(self):
        web_port = self.server.web_port
        self.edit_config((f'listen = "127.0.0.1:{self.server.stream_port}"', 'listen = "127.0.0.1:1"'),
                         (f'path = "{self.server.data_dir}/bellwether.db"',
                          f'path = "{self.server.data_dir}/other/bellwether.db"'))
        with self.server.stream(self.alice) as events:
            report = self.reload()
            self.assertEqual(report["applied"], [])
            self.assertEqual(report["restart_required"], ["stream.listen", "storage.path"])
            self.assert_stream_alive(events, 800)
        self.assertEqual(self.server.web_port, web_port)


if __name__ == "__main__":
    unittest.main()
