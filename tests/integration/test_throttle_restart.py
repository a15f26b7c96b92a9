"""Rate limits survive a restart of the real binary: the tokens a channel
spent before the restart stay spent after it (the dispatcher rebuilds each
channel's bucket from the first attempts in the store), so a burst right after
a restart is digested exactly as it would have been without one, while a
channel that spent nothing before still gets its whole burst."""
import json
import unittest

from harness import BellwetherServer
from webhook_receiver import WebhookReceiver

CONFIG = ("[delivery]\nallowed_private_addresses = [\"127.0.0.1\"]\n"
          "retry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n"
          "throttle_burst = 2\nthrottle_refill = \"1h\"\ngroup_wait = \"1s\"\n")


class ThrottleRestartTest(unittest.TestCase):
    def setUp(self):
        self.receiver = WebhookReceiver().__enter__()
        self.server = BellwetherServer(extra_config=CONFIG).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.users = {"alice": self.server.create_user("alice"), "bob": self.server.create_user("bob")}
        self.channels = {}
        for name, token in self.users.items():
            status, ch = self.server.api("POST", "/api/v1/channels",
                                         {"type": "webhook", "url": self.receiver.url(name)}, token=token)
            self.assertEqual(status, 201, ch)
            self.receiver.secrets[name] = ch["secret"]
            self.channels[name] = ch["id"]

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)

    def alerts(self, name, prices):
        for price in prices:
            status, body = self.server.api("POST", "/api/v1/alerts", {
                "symbol": "TEST", "condition": {"type": "crossing_up", "price": price},
                "channels": [self.channels[name]]}, token=self.users[name])
            self.assertEqual(status, 201, body)

    def notifications(self, name):
        return {n["id"] for n in self.server.api("GET", "/api/v1/notifications",
                                                 token=self.users[name])[1]["items"]}

    def status(self, name, notification):
        [row] = self.server.api("GET", f"/api/v1/notifications/{notification}/deliveries",
                                token=self.users[name])[1]["items"]
        return row["status"]

    def all_delivered(self, name, notifications):
        self.server.wait_for(lambda: all(self.status(name, n) == "delivered" for n in notifications),
                             what=f"{name}'s deliveries delivered")

    def kinds(self, name, notifications):
        """How each of `notifications` reached `name`'s receiver: 'single' or 'digest'."""
        seen = {}
        for request in self.receiver.requests(name):
            self.assertTrue(request["valid"], "every request is signed")
            payload = json.loads(request["body"])
            if payload["type"] == "alert.digest":
                ids = [n["id"] for n in payload["data"]["notifications"]]
                kind = "digest"
            else:
                ids = [payload["data"]["notification"]["id"]]
                kind = "single"
            for n in ids:
                if n in notifications:
                    seen.setdefault(n, []).append(kind)
        self.assertEqual(sorted(seen), sorted(notifications), "every notification arrived")
        return sorted(kind for kinds in seen.values() for kind in kinds)

    def restart_and_burst(self, restart):
        # Before the restart alice's channel spends its whole burst of 2.
        self.alerts("alice", [100, 101])
        self.server.push(self.ops, 99, 200)
        self.server.wait_for(lambda: len(self.notifications("alice")) == 2, what="two notifications")
        before = self.notifications("alice")
        self.all_delivered("alice", before)
        self.assertEqual(self.kinds("alice", before), ["single", "single"])

        restart()

        # Right after it, three more fires each for alice and for bob.
        self.alerts("alice", [300, 301, 302])
        self.alerts("bob", [300, 301, 302])
        self.server.push(self.ops, 299, 400)
        self.server.wait_for(lambda: len(self.notifications("alice")) == 5
                             and len(self.notifications("bob")) == 3, what="the burst's notifications")
        alice = self.notifications("alice") - before
        bob = self.notifications("bob")
        self.all_delivered("alice", alice)
        self.all_delivered("bob", bob)
        # Alice's bucket is still empty (refill 1h): all three go in a digest,
        # as without the restart; bob's full bucket lets two through.
        self.assertEqual(self.kinds("alice", alice), ["digest"] * 3)
        self.assertEqual(self.kinds("bob", bob), ["digest", "single", "single"])

    def test_a_burst_after_a_restart_is_throttled_as_without_one(self):
        def restart():
            self.server.stop()
            self.server.start()
        self.restart_and_burst(restart)

    def test_a_burst_after_kill9_is_throttled_as_without_one(self):
        def restart():
            self.server.kill9()
            self.server.start()
        self.restart_and_burst(restart)


if __name__ == "__main__":
    unittest.main()
