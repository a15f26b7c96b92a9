"""The quote-to-notification path through the real binary: an alert fires
exactly once, reaches the owner's stream, replays by Last-Event-ID, survives
restarts (graceful and kill -9), and stays invisible to other users."""
import os
import stat
import time
import unittest

from harness import BellwetherServer


def create_crossing_alert(server, token, price=150, symbol="TEST", kind="crossing_up"):
    status, alert = server.api("POST", "/api/v1/alerts", {
        "symbol": symbol, "condition": {"type": kind, "price": price}, "trigger": {"mode": "once"}},
        token=token)
    assert status == 201, (status, alert)
    return alert


class AlertPathTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def notifications(self, token):
        status, body = self.server.api("GET", "/api/v1/notifications", token=token)
        self.assertEqual(status, 200)
        return body["items"]

    def test_a_crossing_fires_exactly_one_notification_on_the_stream(self):
        alert = create_crossing_alert(self.server, self.alice)
        self.assertEqual(alert["state"], "armed")
        with self.server.stream(self.alice) as events:
            self.assertEqual(events.status, 200)
            self.assertTrue(events.headers["content-type"].startswith("text/event-stream"))
            self.server.push(self.ops, 149.50, 150.25)
            event = events.next_event("notification")
            self.assertEqual(event["id"], "1")
            self.assertIn("TEST crossed above 150.00 at 150.25", event["data"])
            # Further crossings do not fire a `once` alert again.
            self.server.push(self.ops, 149.00, 151.00)
            self.server.wait_for(lambda: self.server.api("GET", "/api/v1/quotes/TEST", token=self.alice)[1]
                                 .get("price") == 151.0, what="last quote 151")
            self.assertEqual(events.events_until_heartbeat("notification"), [])
        self.assertEqual(len(self.notifications(self.alice)), 1)
        status, stored = self.server.api("GET", f"/api/v1/alerts/{alert['id']}", token=self.alice)
        self.assertEqual(stored["state"], "triggered")
        self.assertIsNotNone(stored["last_fired_at"])

    def test_last_event_id_replays_missed_notifications_and_nothing_twice(self):
        create_crossing_alert(self.server, self.alice, 150)
        create_crossing_alert(self.server, self.alice, 160)
        self.server.push(self.ops, 149, 155, 165)
        self.server.wait_for(lambda: len(self.notifications(self.alice)) == 2, what="two notifications")
        with self.server.stream(self.alice, last_event_id=0) as events:
            ids = [events.next_event("notification")["id"] for _ in range(2)]
            self.assertEqual(ids, ["1", "2"])
        with self.server.stream(self.alice, last_event_id=1) as events:
            self.assertEqual(events.next_event("notification")["id"], "2")
            self.assertEqual(events.events_until_heartbeat("notification"), [])
        with self.server.stream(self.alice, last_event_id=2) as events:
            self.assertEqual(events.events_until_heartbeat("notification"), [])

    def test_the_stream_accepts_an_access_token_query_and_rejects_bad_tokens(self):
        with self.server.stream(query=f"access_token={self.alice}") as events:
            self.assertEqual(events.status, 200)
        with self.server.stream(token="bw_not-a-token") as events:
            self.assertEqual(events.status, 401)
        with self.server.stream() as events:
            self.assertEqual(events.status, 401)

    def test_a_restart_keeps_the_triggered_state_the_notification_and_the_last_price(self):
        fired = create_crossing_alert(self.server, self.alice, 150)
        later = create_crossing_alert(self.server, self.alice, 200)
        self.server.push(self.ops, 149.50, 150.25, 199.00)
        self.server.wait_for(lambda: len(self.notifications(self.alice)) == 1, what="notification")
        self.server.wait_for(lambda: self.server.api("GET", "/api/v1/quotes/TEST", token=self.alice)[1]
                             .get("price") == 199.0, what="last quote 199")
        self.server.stop()
        self.server.start()
        self.assertEqual(self.server.api("GET", f"/api/v1/alerts/{fired['id']}", token=self.alice)[1]["state"],
                         "triggered")
        self.assertEqual(len(self.notifications(self.alice)), 1)
        # The previous price (199) survived: 201 crosses 200; the fired alert stays quiet.
        self.server.push(self.ops, 149.00, 151.00, 201.00)
        items = self.server.wait_for(lambda: len(self.notifications(self.alice)) == 2 and self.notifications(self.alice),
                                     what="second notification")
        self.assertEqual(items[0]["alert_id"], later["id"])
        self.assertEqual(len(items), 2)

    def test_a_first_quote_after_restart_crosses_from_the_persisted_price(self):
        self.server.push(self.ops, 149.00)
        time.sleep(0.3)  # past several price flush intervals (20 ms in the test config)
        self.server.stop()
        self.server.start()
        create_crossing_alert(self.server, self.alice, 150)
        self.server.push(self.ops, 150.50)
        items = self.server.wait_for(lambda: self.notifications(self.alice), what="notification")
        self.assertIn("TEST crossed above 150.00 at 150.50", items[0]["message"])

    def test_a_kill_minus_9_loses_no_committed_notification(self):
        create_crossing_alert(self.server, self.alice, 150)
        self.server.push(self.ops, 149.50, 150.25)
        self.server.wait_for(lambda: self.notifications(self.alice), what="notification")
        self.server.kill9()
        self.server.start()
        items = self.notifications(self.alice)
        self.assertEqual(len(items), 1)
        with self.server.stream(self.alice, last_event_id=0) as events:
            self.assertEqual(events.next_event("notification")["id"], str(items[0]["id"]))

    def test_another_user_sees_none_of_it(self):
        bob = self.server.create_user("bob")
        alert = create_crossing_alert(self.server, self.alice, 150)
        with self.server.stream(bob) as bob_events:
            self.server.push(self.ops, 149.50, 150.25)
            self.server.wait_for(lambda: self.notifications(self.alice), what="alice's notification")
            self.assertEqual(bob_events.events_until_heartbeat("notification"), [])
        self.assertEqual(self.server.api("GET", "/api/v1/alerts", token=bob)[1]["items"], [])
        self.assertEqual(self.notifications(bob), [])
        self.assertEqual(self.server.api("GET", f"/api/v1/alerts/{alert['id']}", token=bob)[0], 404)
        self.assertEqual(self.server.request("DELETE", f"/api/v1/alerts/{alert['id']}", token=bob)[0], 404)
        with self.server.stream(bob, last_event_id=0) as events:
            self.assertEqual(events.events_until_heartbeat("notification"), [])
        # Alice still has it.
        self.assertEqual(self.server.api("GET", f"/api/v1/alerts/{alert['id']}", token=self.alice)[0], 200)

    def test_a_deleted_alert_never_fires(self):
        alert = create_crossing_alert(self.server, self.alice, 150)
        self.assertEqual(self.server.request("DELETE", f"/api/v1/alerts/{alert['id']}", token=self.alice)[0], 204)
        self.assertEqual(self.server.api("GET", f"/api/v1/alerts/{alert['id']}", token=self.alice)[0], 404)
        self.server.push(self.ops, 149.50, 150.25)
        self.server.wait_for(lambda: self.server.api("GET", "/api/v1/quotes/TEST", token=self.alice)[0] == 200,
                             what="quote")
        time.sleep(0.2)
        self.assertEqual(self.notifications(self.alice), [])


class FirstRunTest(unittest.TestCase):
    def test_the_first_start_creates_an_admin_with_one_time_credentials(self):
        with BellwetherServer() as server:
            path = os.path.join(server.data_dir, "initial-admin.txt")
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            with open(path) as f:
                lines = dict(line.split(":", 1) for line in f if ":" in line and not line.startswith("Bell"))
            token = lines["token"].strip()
            self.assertEqual(lines["user"].strip(), "admin")
            self.assertGreaterEqual(len(lines["password"].strip()), 16)
            status, me = server.api("GET", "/api/v1/me", token=token)
            self.assertEqual((status, me["name"], me["admin"]), (200, "admin", True))
            self.assertNotIn(lines["password"].strip(), server.read_log())
            self.assertNotIn(token, server.read_log())
            server.stop()
            self.assertIn(token, server.first_output)
            server.first_output = ""
            server.start()
            server.stop()
            self.assertNotIn("password", server.first_output)


if __name__ == "__main__":
    unittest.main()
