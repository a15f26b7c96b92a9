"""Hot reload of the real binary (POST /api/v1/admin/reload and SIGHUP): what
can change applies without a restart and without dropping event streams; an
invalid file is refused whole and the running configuration stays."""
import signal
import unittest

import prometheus_text
from harness import BellwetherServer

SIM = '[[sources]]\nname = "sim"\ntype = "simulated"\ninterval = "20ms"\n'


def metric(server, name, **labels):
    status, _, text = server.request("GET", "/metrics")
    assert status == 200
    try:
        return prometheus_text.value(prometheus_text.parse(text), name, **labels)
    except KeyError:
        return None


class ReloadTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def reload(self, token=None):
        return self.server.api("POST", "/api/v1/admin/reload", token=token or self.ops)

    def assert_stream_alive(self, events):
        """The same connection still delivers: a fresh crossing arrives on it."""
        price = 1000 + len(self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"])
        status, _ = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "LIVE", "condition": {"type": "crossing_up", "price": price},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201)
        self.server.push(self.ops, price - 1, price + 1, symbol="LIVE")
        self.assertIn(f"LIVE crossed above {price}.00", events.next_event("notification")["data"])

    def test_a_valid_reload_starts_a_source_and_keeps_the_stream(self):
        with self.server.stream(self.alice) as events:
            self.server.write_config(SIM, '[log]\nlevel = "debug"\n')
            status, body = self.reload()
            self.assertEqual(status, 200, body)
            self.assertEqual(sorted(body["applied"]), ["log.level", "sources"])
            self.assertEqual(body["restart_required"], [])
            self.server.wait_for(lambda: (metric(self.server, "bellwether_quotes_received_total",
                                                 source="sim") or 0) > 0, what="quotes from sim")
            self.assertEqual(metric(self.server, "bellwether_sse_clients"), 1)
            self.assert_stream_alive(events)
        self.assertIn("config: reloaded; applied: log.level, sources", self.server.read_log())

    def test_an_invalid_file_is_refused_whole_and_the_old_config_keeps_running(self):
        self.server.write_config(SIM)
        self.assertEqual(self.reload()[0], 200)
        self.server.wait_for(lambda: (metric(self.server, "bellwether_quotes_received_total",
                                             source="sim") or 0) > 0, what="quotes from sim")
        with self.server.stream(self.alice) as events:
            # Valid sources change plus a typo: nothing of it may apply.
            self.server.write_config('sources = []\n', '[log]\nlevel = "loud"\n')
            status, body = self.reload()
            self.assertEqual(status, 422)
            self.assertEqual(body["status"], 422)
            self.assertIn(f"{self.server.config}:14:9: log.level: must be one of", body["detail"])
            self.assertIn("running configuration stays", body["detail"])
            before = metric(self.server, "bellwether_quotes_received_total", source="sim")
            self.server.wait_for(lambda: metric(self.server, "bellwether_quotes_received_total",
                                                source="sim") > before, what="sim still running")
            self.assert_stream_alive(events)
        self.assertIn("config: reload refused, the running configuration stays", self.server.read_log())

    def test_keys_that_need_a_restart_are_named_and_not_applied(self):
        with open(self.server.config) as f:
            text = f.read()
        with open(self.server.config, "w") as f:
            f.write(text.replace('max_body_bytes = "64KiB"', 'max_body_bytes = "64KiB"\nthreads = 3'))
        status, body = self.reload()
        self.assertEqual(status, 200)
        self.assertEqual(body, {"applied": [], "restart_required": ["web.threads"],
                                "alerts": {"files": 0, "added": 0, "changed": 0, "removed": 0,
                                           "unchanged": 0}})
        self.assertIn("needs a restart: web.threads", self.server.read_log())

    def test_notification_retention_applies_at_once(self):
        self.assertIsNone(metric(self.server, "bellwether_notifications_pruned_total"))
        with open(self.server.config) as f:
            text = f.read()
        with open(self.server.config, "w") as f:  # two keys more in [storage], just above [engine]
            f.write(text.replace("[engine]\n", 'notification_retention = "1m"\nprune_interval = "1s"\n'
                                               "[engine]\n", 1))
        status, body = self.reload()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["applied"], ["storage.notification_retention", "storage.prune_interval"])
        self.assertEqual(body["restart_required"], [])
        self.assertEqual(metric(self.server, "bellwether_notifications_pruned_total"), 0)

    def test_the_metrics_token_changes_at_once(self):
        token_file = f"{self.server.data_dir}/metrics-token"
        with open(token_file, "w") as f:
            f.write("old-token\n")
        with open(self.server.config) as f:
            text = f.read()
        with open(self.server.config, "w") as f:
            f.write(text.replace("[stream]\n", f'metrics_token_file = "{token_file}"\n[stream]\n', 1))
        status, body = self.reload()
        self.assertEqual((status, body["applied"]), (200, ["web.metrics_token"]), body)
        bearer = lambda token: {"Authorization": f"Bearer {token}"}
        self.assertEqual(self.server.request("GET", "/metrics")[0], 401)
        self.assertEqual(self.server.request("GET", "/metrics", headers=bearer("old-token"))[0], 200)
        with open(token_file, "w") as f:
            f.write("new-token\n")
        self.assertEqual(self.reload()[1]["applied"], ["web.metrics_token"])
        self.assertEqual(self.server.request("GET", "/metrics", headers=bearer("old-token"))[0], 401)
        self.assertEqual(self.server.request("GET", "/metrics", headers=bearer("new-token"))[0], 200)
        self.assertNotIn("new-token", self.server.read_log())

    def test_only_admins_may_reload(self):
        status, body = self.reload(token=self.alice)
        self.assertEqual(status, 403)
        self.assertIn("admin", body["detail"])
        self.assertEqual(self.server.api("POST", "/api/v1/admin/reload")[0], 401)

    def test_sighup_reloads(self):
        with self.server.stream(self.alice) as events:
            self.server.write_config(SIM)
            self.server.process.send_signal(signal.SIGHUP)
            self.server.wait_for(lambda: "config: reloaded; applied: sources" in self.server.read_log(),
                                 what="reload logged")
            self.server.wait_for(lambda: (metric(self.server, "bellwether_quotes_received_total",
                                                 source="sim") or 0) > 0, what="quotes from sim")
            self.assert_stream_alive(events)
        self.assertIsNone(self.server.process.poll())


if __name__ == "__main__":
    unittest.main()
