"""Throttling and digests through the real binary: past a channel's token
bucket, deliveries are grouped into one signed `alert.digest` webhook sent
after group_wait (never dropped); the grouping is durable across kill -9, so
every notification reaches the receiver exactly once (individually or in the
digest), and the metrics count what was throttled."""
import json
import unittest

from harness import BellwetherServer
from webhook_receiver import WebhookReceiver


def config(group_wait):
    return ("[delivery]\nallowed_private_addresses = [\"127.0.0.1\"]\n"
            "retry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n"
            f"throttle_burst = 2\nthrottle_refill = \"1h\"\ngroup_wait = \"{group_wait}\"\n")


class DigestTest(unittest.TestCase):
    def start(self, group_wait):
        self.receiver = WebhookReceiver().__enter__()
        self.server = BellwetherServer(extra_config=config(group_wait)).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        status, ch = self.server.api("POST", "/api/v1/channels",
                                     {"type": "webhook", "url": self.receiver.url("hook")}, token=self.alice)
        self.assertEqual(status, 201, ch)
        self.receiver.secrets["hook"] = ch["secret"]
        for i in range(5):
            status, _ = self.server.api("POST", "/api/v1/alerts", {
                "symbol": "TEST", "condition": {"type": "crossing_up", "price": 100 + i},
                "channels": [ch["id"]]}, token=self.alice)
            self.assertEqual(status, 201)

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)

    def notifications(self):
        return [n["id"] for n in self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]]

    def delivery(self, notification):
        [row] = self.server.api("GET", f"/api/v1/notifications/{notification}/deliveries",
                                token=self.alice)[1]["items"]
        return row

    def received(self):
        """notification id -> list of (webhook-id, type) that carried it."""
        seen = {}
        for request in self.receiver.requests("hook"):
            self.assertTrue(request["valid"], "every request is signed")
            payload = json.loads(request["body"])
            if payload["type"] == "alert.digest":
                self.assertEqual(request["id"], f"digest-{payload['data']['digest_id']}")
                self.assertEqual(payload["data"]["count"], len(payload["data"]["notifications"]))
                for n in payload["data"]["notifications"]:
                    seen.setdefault(n["id"], []).append((request["id"], "digest"))
            else:
                seen.setdefault(payload["data"]["notification"]["id"], []).append((request["id"], "single"))
        return seen

    def test_over_the_limit_notifications_arrive_as_one_digest(self):
        self.start("1s")
        self.server.push(self.ops, 99, 200)
        self.server.wait_for(lambda: len(self.notifications()) == 5, what="five notifications")
        notifications = self.notifications()
        self.server.wait_for(lambda: all(self.delivery(n)["status"] == "delivered" for n in notifications),
                             what="every delivery delivered")
        seen = self.received()
        self.assertEqual(sorted(seen), sorted(notifications))
        kinds = sorted(kind for carriers in seen.values() for _, kind in carriers)
        self.assertEqual(kinds, ["digest"] * 3 + ["single"] * 2)
        digest_ids = {wid for carriers in seen.values() for wid, kind in carriers if kind == "digest"}
        self.assertEqual(len(digest_ids), 1, "the three throttled ones share one digest")
        grouped = [n for n in notifications if self.delivery(n)["digest_id"] is not None]
        self.assertEqual(len(grouped), 3)
        self.assertEqual({f"digest-{self.delivery(n)['digest_id']}" for n in grouped}, digest_ids)
        status, headers, text = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("bellwether_deliveries_throttled_total 3", text)
        self.assertIn("bellwether_digests_delivered_total 1", text)

    def test_a_digest_survives_kill9_without_losing_or_duplicating_members(self):
        self.start("3s")
        self.server.push(self.ops, 99, 200)
        self.server.wait_for(lambda: len(self.notifications()) == 5, what="five notifications")
        notifications = self.notifications()
        self.server.wait_for(
            lambda: sum(self.delivery(n)["status"] == "grouped" for n in notifications) == 3,
            what="three deliveries grouped")
        self.server.kill9()
        self.server.start()
        self.server.wait_for(lambda: all(self.delivery(n)["status"] == "delivered" for n in notifications),
                             timeout=30, what="every delivery delivered after the restart")
        seen = self.received()
        self.assertEqual(sorted(seen), sorted(notifications), "nothing lost")
        for n, carriers in seen.items():
            kinds = {kind for _, kind in carriers}
            self.assertEqual(len(kinds), 1, f"notification {n} went out one way only: {carriers}")
        digests = [json.loads(r["body"]) for r in self.receiver.requests("hook")
                   if json.loads(r["body"])["type"] == "alert.digest"]
        self.assertEqual(len({d["data"]["digest_id"] for d in digests}), 1)
        self.assertEqual(len(digests[0]["data"]["notifications"]), 3)


if __name__ == "__main__":
    unittest.main()
