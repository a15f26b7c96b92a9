"""Operations surface of the real binary: /metrics parsed as the Prometheus
text format and checked against what the test did, and /readyz."""
import json
import os
import subprocess
import tempfile
import unittest

import harness

import prometheus_text
from harness import BellwetherServer


class MetricsTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def scrape(self):
        status, headers, text = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"),
                        headers["Content-Type"])
        return prometheus_text.parse(text)

    def test_metrics_parse_and_count_what_happened(self):
        status, _ = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": 150},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201)
        with self.server.stream(self.alice) as events:
            self.server.push(self.ops, 149, 151)
            events.next_event("notification")
            # A request is counted once its response is written (httplib's
            # logger hook), so the second push's count can land just after
            # the client has its 202: wait for it rather than race it.
            self.server.wait_for(
                lambda: prometheus_text.value(self.scrape(), "bellwether_http_requests_total",
                                              route="/api/v1/quotes", method="POST",
                                              status=202) == 2,
                what="both pushes counted")
            metrics = self.scrape()
            self.assertEqual(prometheus_text.value(metrics, "bellwether_sse_clients"), 1)
        v = lambda name, **labels: prometheus_text.value(metrics, name, **labels)
        self.assertEqual(v("bellwether_quotes_received_total", source="push"), 2)
        self.assertEqual(v("bellwether_quotes_rejected_total", source="push", reason="queue_full"), 0)
        self.assertGreaterEqual(v("bellwether_quotes_merged_total", source="push"), 0)
        self.assertEqual(v("bellwether_alert_fires_total"), 1)
        self.assertEqual(v("bellwether_notifications_committed_total"), 1)
        self.assertEqual(v("bellwether_alerts", state="triggered"), 1)
        self.assertEqual(v("bellwether_alerts", state="armed"), 0)
        self.assertEqual(v("bellwether_engine_running"), 1)
        self.assertGreaterEqual(v("bellwether_engine_queue_depth"), 0)
        # Two quotes unless they were merged into one before the engine saw them.
        self.assertIn(v("bellwether_engine_evaluation_seconds_count"), (1, 2))
        self.assertEqual(v("bellwether_store_commit_batch_size_sum"), 1)
        self.assertEqual(v("bellwether_store_commit_seconds_count"), 1)
        self.assertEqual(v("bellwether_http_requests_total", route="/api/v1/quotes", method="POST",
                           status=202), 2)
        self.assertEqual(v("bellwether_http_requests_total", route="/api/v1/alerts", method="POST",
                           status=201), 1)
        self.assertEqual(v("bellwether_build_info"), 1)
        for family in metrics.values():
            self.assertTrue(family["help"], family)

    def test_errors_and_unknown_paths_are_counted_with_bounded_labels(self):
        self.server.request("GET", "/api/v1/alerts/999", token=self.alice)
        self.server.request("GET", "/no/such/path/1")
        self.server.request("GET", "/no/such/path/2")
        self.server.request("GET", "/api/v1/alerts")  # no token
        metrics = self.scrape()
        v = lambda name, **labels: prometheus_text.value(metrics, name, **labels)
        self.assertEqual(v("bellwether_http_requests_total", route="/api/v1/alerts/{}", method="GET",
                           status=404), 1)
        self.assertEqual(v("bellwether_http_requests_total", route="unmatched", method="GET",
                           status=404), 2)
        self.assertEqual(v("bellwether_http_requests_total", route="/api/v1/alerts", method="GET",
                           status=401), 1)

    def test_the_parser_rejects_malformed_text(self):
        for bad in ["x 1\n",                                     # no TYPE
                    "# TYPE x counter\nx{a=\"b} 1\n",            # unterminated label
                    "# TYPE x counter\nx 1",                     # no final newline
                    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2\n"]:  # no +Inf
            with self.assertRaises(prometheus_text.ParseError, msg=bad):
                prometheus_text.parse(bad)


class MetricsTokenTest(unittest.TestCase):
    def test_a_configured_token_guards_metrics_and_is_shown_redacted(self):
        os.environ["BW_IT_METRICS_TOKEN"] = "it-metrics-secret"
        self.addCleanup(os.environ.pop, "BW_IT_METRICS_TOKEN", None)
        server = BellwetherServer()
        with open(server.config) as f:
            text = f.read()
        with open(server.config, "w") as f:
            f.write(text.replace("[web]\n", '[web]\nmetrics_token_env = "BW_IT_METRICS_TOKEN"\n'))
        with server:
            self.assertEqual(server.request("GET", "/metrics")[0], 401)
            self.assertEqual(server.request("GET", "/metrics", token="wrong")[0], 401)
            status, _, text = server.request("GET", "/metrics", token="it-metrics-secret")
            self.assertEqual(status, 200)
            prometheus_text.parse(text)
            check = server.cli("config", "check", server.config)
            self.assertIn("web.metrics_token = <redacted, from env BW_IT_METRICS_TOKEN>", check.stdout)
            self.assertNotIn("it-metrics-secret", check.stdout + check.stderr)
            log = server.read_log()
            self.assertIn("<redacted, from env BW_IT_METRICS_TOKEN>", log)
            self.assertNotIn("it-metrics-secret", log)


class ExampleConfigsTest(unittest.TestCase):
    def test_every_example_config_passes_config_check_with_secrets_redacted(self):
        examples = os.path.join(os.path.dirname(__file__), "../../config/examples")
        env = dict(os.environ, BELLWETHER_METRICS_TOKEN="example-secret-value",
                   FINNHUB_API_KEY="example-secret-value", ALPACA_API_KEY_ID="example-secret-value",
                   ALPACA_API_SECRET_KEY="example-secret-value", POLYGON_API_KEY="example-secret-value",
                   BELLWETHER_SMTP_PASSWORD="example-secret-value",
                   SENDGRID_API_KEY="example-secret-value", MAILGUN_API_KEY="example-secret-value",
                   POSTMARK_SERVER_TOKEN="example-secret-value",
                   MAIL_GATEWAY_KEY="example-secret-value")
        files = sorted(f for f in os.listdir(examples) if f.endswith(".toml"))
        self.assertIn("production.toml", files)
        # production.toml's [tls] files live in /etc: point them at a throw-away
        # pair through the environment overrides (the files must load).
        tls = tempfile.TemporaryDirectory(prefix="bw-ops-tls-")
        self.addCleanup(tls.cleanup)
        subprocess.run(["sh", os.path.join(os.path.dirname(__file__), "../support/make_test_ca.sh"),
                        tls.name], check=True)
        tls_env = {"BELLWETHER_TLS__CERT_FILE": f"{tls.name}/server.pem",
                   "BELLWETHER_TLS__KEY_FILE": f"{tls.name}/server.key"}
        for name in files:
            result = subprocess.run([harness.BIN, "config", "check", os.path.join(examples, name)],
                                    capture_output=True, text=True, timeout=60,
                                    env=dict(env, **tls_env) if name == "production.toml" else env)
            self.assertEqual(result.returncode, 0, name + ": " + result.stderr)
            self.assertNotIn("example-secret-value", result.stdout + result.stderr)
            if name == "production.toml":
                self.assertIn("web.metrics_token = <redacted, from env BELLWETHER_METRICS_TOKEN>",
                              result.stdout)
        # Without the override, the missing certificate is named with its location.
        production = os.path.join(examples, "production.toml")
        result = subprocess.run([harness.BIN, "config", "check", production], capture_output=True,
                                text=True, env=env, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"production\.toml:\d+:\d+: tls\.cert_file: cannot read "
                                        r"\"/etc/bellwether/tls/fullchain\.pem\"")

    def test_an_environment_override_is_applied_and_reported_by_name(self):
        shipped = os.path.join(os.path.dirname(__file__), "../../config/bellwether.toml")
        env = dict(os.environ, BELLWETHER_WEB__THREADS="many")
        result = subprocess.run([harness.BIN, "config", "check", shipped], capture_output=True,
                                text=True, env=env, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("env BELLWETHER_WEB__THREADS: web.threads: expected an integer", result.stderr)


class LogsTest(unittest.TestCase):
    def test_json_lines_to_a_rotated_file_with_per_module_levels(self):
        server = BellwetherServer()
        self.addCleanup(server.__exit__, None, None, None)
        log_file = os.path.join(server.data_dir, "logs", "bellwether.log")
        log_config = (f'[log]\nformat = "json"\nconsole = false\nfile = "{log_file}"\n'
                      'max_size = "64KiB"\nmax_files = 2\n[log.modules]\nstore = "warn"\n')
        server.write_config(extra_config=log_config)
        server.start()
        ops = server.create_user("ops", admin=True)
        # A refused reload logs a message with quotes and a newline: it must
        # still be one valid JSON line.
        server.write_config(extra_config=log_config + 'stroe = "debug"\n')
        self.assertEqual(server.api("POST", "/api/v1/admin/reload", token=ops)[0], 422)
        server.stop()
        with open(log_file) as f:
            records = [json.loads(line) for line in f]
        for record in records:
            self.assertEqual(set(record), {"ts", "level", "module", "thread", "msg"})
        modules = {r["module"] for r in records}
        self.assertIn("app", modules)
        self.assertIn("web", modules)
        self.assertNotIn("store", modules)  # "store: opened ..." is info; store logs at warn
        refused = [r["msg"] for r in records if r["level"] == "error"]
        self.assertEqual(len(refused), 1, refused)
        self.assertIn('\n', refused[0])
        self.assertIn('(did you mean "store"?)', refused[0])
        self.assertEqual(records[-1]["msg"], "stopped")
        self.assertEqual(server.read_log(), "")  # console = false: nothing on stderr


class ReadinessTest(unittest.TestCase):
    def test_ready_without_sources(self):
        with BellwetherServer() as server:
            status, body = server.api("GET", "/readyz")
            self.assertEqual(status, 200)
            self.assertEqual(body, {"status": "ready"})

    def test_ready_once_a_source_delivers(self):
        sim = '[[sources]]\nname = "sim"\ntype = "simulated"\ninterval = "20ms"\n'
        with BellwetherServer(sources=sim) as server:
            server.wait_for(lambda: server.api("GET", "/readyz")[0] == 200, what="ready")

    def test_not_ready_while_no_source_has_delivered(self):
        sim = '[[sources]]\nname = "slow"\ntype = "simulated"\ninterval = "1h"\n'
        with BellwetherServer(sources=sim) as server:
            status, body = server.api("GET", "/readyz")
            self.assertEqual(status, 503)
            self.assertIn("sources", body["detail"])
            self.assertEqual(server.api("GET", "/healthz")[0], 200)


if __name__ == "__main__":
    unittest.main()
