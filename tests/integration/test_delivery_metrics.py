"""Delivery metrics through the real binary: attempts by channel type and
status, the attempt and commit-to-delivered latency histograms, and the open
outbox by channel type and status, parsed with a Prometheus text parser."""
import unittest

import prometheus_text
from harness import BellwetherServer
from webhook_receiver import WebhookReceiver

CONFIG = ('[delivery]\nallowed_private_addresses = ["127.0.0.1"]\n'
          'retry_schedule = ["200ms", "200ms"]\nretry_jitter = 0.0\ntimeout = "1s"\n')


class DeliveryMetricsTest(unittest.TestCase):
    def setUp(self):
        self.receiver = WebhookReceiver(hang_seconds=3.0).__enter__()
        self.server = BellwetherServer(extra_config=CONFIG).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)

    def metrics(self):
        status, _, text = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        return prometheus_text.parse(text)

    def value(self, name, **labels):
        return prometheus_text.value(self.metrics(), name, **labels)

    def channel(self, path):
        status, body = self.server.api("POST", "/api/v1/channels",
                                       {"type": "webhook", "url": self.receiver.url(path)}, token=self.alice)
        self.assertEqual(status, 201, body)
        return body["id"]

    def test_attempts_latency_and_the_open_outbox_are_counted_per_channel_type(self):
        families = self.metrics()
        for status in ("delivered", "retrying", "failed", "dead"):
            self.assertEqual(prometheus_text.value(families, "bellwether_delivery_attempts_total",
                                                   channel_type="webhook", status=status), 0)
        self.assertEqual(prometheus_text.value(families, "bellwether_deliveries_open",
                                               channel_type="webhook", status="pending"), 0)
        good, bad = self.channel("good"), self.channel("bad")
        self.receiver.behave("bad", [500, 500, 500])
        status, _ = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": 150},
            "channels": [good, bad]}, token=self.alice)
        self.assertEqual(status, 201)
        self.server.push(self.ops, 149, 151)
        self.server.wait_for(lambda: self.value("bellwether_delivery_attempts_total",
                                                channel_type="webhook", status="dead") == 1,
                             what="the failing delivery to die")
        self.assertEqual(self.value("bellwether_delivery_attempts_total",
                                    channel_type="webhook", status="delivered"), 1)
        self.assertEqual(self.value("bellwether_delivery_attempts_total",
                                    channel_type="webhook", status="retrying"), 2)
        self.assertEqual(self.value("bellwether_delivery_latency_seconds_count", channel_type="webhook"), 1)
        self.assertEqual(self.value("bellwether_delivery_attempt_seconds_count", channel_type="webhook"), 4)
        self.assertEqual(self.value("bellwether_delivery_latency_seconds_count", channel_type="email"), 0)
        for status in ("pending", "retrying"):
            self.assertEqual(self.value("bellwether_deliveries_open", channel_type="webhook", status=status), 0)


if __name__ == "__main__":
    unittest.main()
