"""Webhook delivery through the real binary: channels API, signed requests to a
real receiver, retries, dead letters told on the stream, 410, timeouts,
isolation, and kill -9 mid-delivery with at-least-once and consistent ids."""
import json
import unittest

from harness import BellwetherServer
from webhook_receiver import WebhookReceiver

DELIVERY_CONFIG = (
    "[delivery]\n"
    "allowed_private_addresses = [\"127.0.0.1\"]\n"
    "retry_schedule = [\"300ms\", \"300ms\"]\n"
    "retry_jitter = 0.0\n"
    "timeout = \"1s\"\n"
)


class WebhookTest(unittest.TestCase):
    def setUp(self):
        self.receiver = WebhookReceiver(hang_seconds=3.0).__enter__()
        self.server = BellwetherServer(extra_config=DELIVERY_CONFIG).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)

    def channel(self, token, path):
        status, body = self.server.api("POST", "/api/v1/channels", {"type": "webhook",
                                                                    "url": self.receiver.url(path)},
                                       token=token)
        self.assertEqual(status, 201, body)
        self.assertTrue(body["secret"].startswith("whsec_"))
        self.receiver.secrets[path] = body["secret"]
        return body

    def alert(self, token, channels, price=150, symbol="TEST"):
        status, body = self.server.api("POST", "/api/v1/alerts", {
            "symbol": symbol, "condition": {"type": "crossing_up", "price": price},
            "channels": channels}, token=token)
        self.assertEqual(status, 201, body)
        return body

    def notification_ids(self, token):
        return [n["id"] for n in self.server.api("GET", "/api/v1/notifications", token=token)[1]["items"]]

    def deliveries(self, notification_id, token=None):
        status, body = self.server.api("GET", f"/api/v1/notifications/{notification_id}/deliveries",
                                       token=token or self.alice)
        self.assertEqual(status, 200, body)
        return body["items"]

    def fire_one(self, channel_ids):
        self.alert(self.alice, channel_ids)
        self.server.push(self.ops, 149, 151)
        return self.server.wait_for(lambda: self.notification_ids(self.alice), what="a notification")[0]

    def test_a_fired_alert_is_posted_signed_with_its_delivery_id(self):
        ch = self.channel(self.alice, "a")
        status, listed = self.server.api("GET", "/api/v1/channels", token=self.alice)
        self.assertEqual(status, 200)
        self.assertEqual([c["id"] for c in listed["items"]], [ch["id"]])
        self.assertNotIn("secret", listed["items"][0])
        alert = self.alert(self.alice, [ch["id"]])
        self.assertEqual(alert["channels"], [ch["id"]])
        self.server.push(self.ops, 149, 151)
        self.receiver.wait_for(lambda r: len(r.requests("a")) == 1, what="one webhook")
        request = self.receiver.requests("a")[0]
        self.assertTrue(request["valid"], "signature must verify with the secret shown once")
        payload = json.loads(request["body"])
        self.assertEqual(payload["type"], "alert.triggered")
        self.assertEqual(payload["data"]["alert"]["id"], alert["id"])
        notification = payload["data"]["notification"]
        self.assertIn("TEST crossed above 150.00", notification["message"])
        rows = self.server.wait_for(
            lambda: [d for d in self.deliveries(notification["id"]) if d["status"] == "delivered"],
            what="delivered status")
        self.assertEqual(str(rows[0]["id"]), request["id"])
        self.assertEqual(payload["data"]["delivery_id"], rows[0]["id"])
        self.assertEqual(rows[0]["attempts"], 1)
        self.assertNotIn(ch["secret"], self.server.read_log(), "secrets never reach the log")
        self.assertNotIn(ch["secret"][len("whsec_"):], self.server.read_log())

    def test_failures_retry_then_die_and_the_stream_is_told_then_a_manual_retry_delivers(self):
        ch = self.channel(self.alice, "flaky")
        self.receiver.behave("flaky", [500, 500, 500])
        with self.server.stream(self.alice) as events:
            n = self.fire_one([ch["id"]])
            event = events.next_event("delivery", timeout=20)
            told = json.loads(event["data"])
            self.assertEqual(told["status"], "dead")
            self.assertEqual(told["notification_id"], n)
            self.assertNotIn("id", {k for k in event if k != "event" and k != "data"})
        requests = self.receiver.requests("flaky")
        self.assertEqual(len(requests), 3)  # the first attempt and two retries
        self.assertEqual(len({r["id"] for r in requests}), 1, "every attempt carries the same id")
        self.assertTrue(all(r["valid"] for r in requests))
        [row] = self.deliveries(n)
        self.assertEqual((row["status"], row["attempts"], row["last_error"]), ("dead", 3, "HTTP 500"))
        status, retried = self.server.api("POST", f"/api/v1/deliveries/{row['id']}/retry", token=self.alice)
        self.assertEqual(status, 202, retried)
        self.server.wait_for(lambda: self.deliveries(n)[0]["status"] == "delivered", what="manual retry")
        status, _ = self.server.api("POST", f"/api/v1/deliveries/{row['id']}/retry", token=self.alice)
        self.assertEqual(status, 409)

    def test_410_disables_the_channel(self):
        ch = self.channel(self.alice, "gone")
        self.receiver.behave("gone", [410])
        n = self.fire_one([ch["id"]])
        self.server.wait_for(lambda: self.deliveries(n)[0]["status"] == "failed", what="failed delivery")
        status, channel = self.server.api("GET", f"/api/v1/channels/{ch['id']}", token=self.alice)
        self.assertEqual(status, 200)
        self.assertFalse(channel["enabled"])
        self.assertEqual(len(self.receiver.requests("gone")), 1)

    def test_a_hanging_receiver_times_out_and_is_retried(self):
        ch = self.channel(self.alice, "slow")
        self.receiver.behave("slow", ["hang"])
        n = self.fire_one([ch["id"]])
        self.server.wait_for(lambda: self.deliveries(n)[0]["status"] == "delivered", what="delivery after hang")
        row = self.deliveries(n)[0]
        self.assertEqual(row["attempts"], 2)
        self.assertEqual(len({r["id"] for r in self.receiver.requests("slow")}), 1)

    def test_channels_are_private_and_validated(self):
        ch = self.channel(self.alice, "mine")
        bob = self.server.create_user("bob")
        self.assertEqual(self.server.api("GET", f"/api/v1/channels/{ch['id']}", token=bob)[0], 404)
        self.assertEqual(self.server.api("DELETE", f"/api/v1/channels/{ch['id']}", token=bob)[0], 404)
        self.assertEqual(self.server.api("GET", "/api/v1/channels", token=bob)[1]["items"], [])
        status, body = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "above", "price": 1}, "channels": [ch["id"]]}, token=bob)
        self.assertEqual(status, 400)
        self.assertIn("channels", body["detail"])
        for bad, field in [({"type": "webhook", "url": "ftp://127.0.0.1/x"}, "url"),
                           ({"type": "webhook", "url": "http://10.1.2.3/x"}, "url"),
                           ({"type": "webhook"}, "url"),
                           ({"type": "pager", "url": "http://127.0.0.1/x"}, "type"),
                           ({"type": "webhook", "url": "http://127.0.0.1/x", "extra": 1}, "extra")]:
            status, body = self.server.api("POST", "/api/v1/channels", bad, token=self.alice)
            self.assertEqual(status, 400, bad)
            self.assertTrue(body["detail"].startswith(field), body)
        n = self.fire_one([ch["id"]])
        self.assertEqual(self.server.api("GET", f"/api/v1/notifications/{n}/deliveries", token=bob)[0], 404)
        delivery = self.deliveries(n)[0]
        self.assertEqual(self.server.api("POST", f"/api/v1/deliveries/{delivery['id']}/retry", token=bob)[0], 404)
        self.assertEqual(self.server.api("DELETE", f"/api/v1/channels/{ch['id']}", token=self.alice)[0], 204)
        self.assertEqual(self.server.api("GET", f"/api/v1/channels/{ch['id']}", token=self.alice)[0], 404)

    def test_kill9_mid_delivery_then_restart_delivers_every_notification_with_the_same_ids(self):
        ch = self.channel(self.alice, "crash")
        count = 12
        # Every first attempt hangs, so deliveries are in flight when the server dies.
        self.receiver.behave("crash", ["hang"] * count)
        for i in range(count):
            self.alert(self.alice, [ch["id"]], price=100 + i)
        self.server.push(self.ops, 99, 200)
        self.server.wait_for(lambda: len(self.notification_ids(self.alice)) == count, what="all notifications")
        self.receiver.wait_for(lambda r: len(r.requests("crash")) >= 1, what="a delivery in flight")
        self.server.kill9()
        self.receiver.behave("crash", [])
        self.server.start()
        notifications = self.notification_ids(self.alice)

        def all_delivered():
            return all(d["status"] == "delivered" for n in notifications for d in self.deliveries(n))
        self.server.wait_for(all_delivered, timeout=30, what="every delivery after restart")
        seen = {}
        for request in self.receiver.requests("crash"):
            self.assertTrue(request["valid"])
            payload = json.loads(request["body"])
            self.assertEqual(str(payload["data"]["delivery_id"]), request["id"])
            seen.setdefault(payload["data"]["notification"]["id"], set()).add(request["id"])
        self.assertEqual(sorted(seen), sorted(notifications), "every notification reached the receiver")
        # The copies that were in flight at the kill were sent again after the restart.
        self.assertGreater(len(self.receiver.requests("crash")), count)
        for n in notifications:
            [row] = self.deliveries(n)
            self.assertEqual(seen[n], {str(row["id"])}, "every copy carries the delivery's id")


if __name__ == "__main__":
    unittest.main()
