"""Provider feeds through the real binary: each source type pointed at a fake
provider on 127.0.0.1 (tests/support/fake_provider.py). Quotes reach
GET /api/v1/quotes/{symbol}, alerts fire on them, sources reconnect and
resubscribe after a drop, TLS verifies against a test CA, and credentials
never reach the log."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

from harness import BellwetherServer

SUPPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support")
KEY, SECRET = "it-key-5f1e", "it-secret-9c2d"


class FakeProvider:
    """fake_provider.py as a child process; `port` once it listens."""

    def __init__(self, *args, record=None):
        command = [sys.executable, os.path.join(SUPPORT, "fake_provider.py"), "--key", KEY, "--secret", SECRET]
        if record:
            command += ["--record", record]
        self.process = subprocess.Popen(command + list(args), stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("PORT "), line
        self.port = int(line.split()[1])

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


class ProvidersTest(unittest.TestCase):
    def setUp(self):
        os.environ["BW_IT_PROVIDER_KEY"] = KEY
        os.environ["BW_IT_PROVIDER_SECRET"] = SECRET
        self.tmp = tempfile.TemporaryDirectory(prefix="bw-prov-")
        self.fakes = []
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.__exit__(None, None, None)
        for fake in self.fakes:
            fake.close()
        self.tmp.cleanup()

    def fake(self, *args, record=None):
        fake = FakeProvider(*args, record=record)
        self.fakes.append(fake)
        return fake

    def serve(self, source_toml):
        self.server = BellwetherServer(sources=source_toml).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        return self.server

    def quote(self, symbol):
        status, body = self.server.api("GET", f"/api/v1/quotes/{symbol}", token=self.alice)
        return body if status == 200 else None

    def wait_quote(self, symbol, predicate=lambda q: True):
        self.server.wait_for(lambda: (q := self.quote(symbol)) is not None and predicate(q),
                             what=f"a quote for {symbol}")
        return self.quote(symbol)

    def alert(self, symbol, price):
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": symbol, "condition": {"type": "crossing_up", "price": price},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201, alert)

    def wait_notification(self, text):
        def fired():
            status, body = self.server.api("GET", "/api/v1/notifications", token=self.alice)
            return any(text in json.dumps(n) for n in body["items"])
        self.server.wait_for(fired, what=f"a notification containing {text!r}")

    def source(self, name):
        status, body = self.server.api("GET", "/api/v1/sources", token=self.ops)
        self.assertEqual(status, 200, body)
        return {s["name"]: s for s in body["sources"]}[name]

    def assert_no_credentials_in_log(self):
        log = self.server.read_log()
        self.assertNotIn(KEY, log)
        self.assertNotIn(SECRET, log)

    def test_polygon_trades_reach_the_quote_api_and_fire_an_alert(self):
        fake = self.fake("--provider", "polygon", "--prices", "100,105,110")
        self.serve(f"""[[sources]]
name = "polygon"
type = "polygon_ws"
url = "ws://127.0.0.1:{fake.port}/stocks"
symbols = ["ACME"]
api_key_env = "BW_IT_PROVIDER_KEY"
""")
        self.alert("ACME", 108)
        self.wait_quote("ACME", lambda q: q["price"] in (100, 105, 110))
        self.wait_notification("ACME crossed above 108")
        self.assert_no_credentials_in_log()

    def test_finnhub_drop_reconnects_resubscribes_and_keeps_quotes_flowing(self):
        record = os.path.join(self.tmp.name, "record")
        fake = self.fake("--provider", "finnhub", "--scenario", "drop", "--prices", "50,51", record=record)
        self.serve(f"""[[sources]]
name = "finnhub"
type = "finnhub_ws"
url = "ws://127.0.0.1:{fake.port}"
symbols = ["ACME", "BETA"]
api_key_env = "BW_IT_PROVIDER_KEY"
backoff_initial = "50ms"
""")
        def resubscribed():
            with open(record) as f:
                lines = [json.loads(line) for line in f]
            return {m["conn"] for m in lines if m["msg"].get("type") == "subscribe"} >= {1, 2}
        self.server.wait_for(resubscribed, what="a subscription on the second connection")
        self.wait_quote("BETA")
        self.server.wait_for(lambda: self.source("finnhub")["state"] == "live", what="live again")
        status = self.source("finnhub")
        self.assertGreaterEqual(status["reconnects"], 1)
        self.assertTrue(status["last_error"].startswith("connection lost"), status["last_error"])
        self.assertIn("connection lost", self.server.read_log())
        self.assert_no_credentials_in_log()  # Finnhub's token rides in the URL query

    def test_malformed_polygon_frames_are_counted_by_reason_and_the_feed_stays_live(self):
        fake = self.fake("--provider", "polygon", "--scenario", "malformed")
        self.serve(f"""[[sources]]
name = "polygon"
type = "polygon_ws"
url = "ws://127.0.0.1:{fake.port}"
symbols = ["ACME"]
api_key_env = "BW_IT_PROVIDER_KEY"
""")
        self.wait_quote("ACME")
        status = self.source("polygon")
        self.assertEqual(status["state"], "live")
        self.assertEqual(status["rejected_by_reason"].get("malformed json"), 1)
        self.assertEqual(status["rejected_by_reason"].get("trade: price p is missing or not a number"), 1)
        self.assertEqual(status["reconnects"], 0)

    def test_alpaca_over_tls_with_a_private_ca(self):
        ca_dir = os.path.join(self.tmp.name, "ca")
        subprocess.run(["sh", os.path.join(SUPPORT, "make_test_ca.sh"), ca_dir], check=True)
        fake = self.fake("--provider", "alpaca", "--tls", os.path.join(ca_dir, "server.pem"),
                         os.path.join(ca_dir, "server.key"), "--prices", "20,21")
        self.serve(f"""[[sources]]
name = "alpaca"
type = "alpaca_ws"
url = "wss://127.0.0.1:{fake.port}/v2/test"
ca_file = "{ca_dir}/ca.pem"
symbols = ["ACME"]
channels = ["trades", "quotes"]
api_key_env = "BW_IT_PROVIDER_KEY"
api_secret_env = "BW_IT_PROVIDER_SECRET"
""")
        quote = self.wait_quote("ACME", lambda q: q.get("bid") is not None)
        self.assertLess(quote["bid"], quote["ask"])
        self.assert_no_credentials_in_log()

    def test_alpaca_refused_credentials_are_logged_clearly_and_the_server_stays_up(self):
        fake = self.fake("--provider", "alpaca")
        os.environ["BW_IT_PROVIDER_SECRET"] = "wrong-secret-value"
        self.serve(f"""[[sources]]
name = "alpaca"
type = "alpaca_ws"
url = "ws://127.0.0.1:{fake.port}/v2/iex"
symbols = ["ACME"]
api_key_env = "BW_IT_PROVIDER_KEY"
api_secret_env = "BW_IT_PROVIDER_SECRET"
backoff_initial = "50ms"
""")
        self.server.wait_for(lambda: "source alpaca: auth failed 402: auth failed" in self.server.read_log(),
                             what="the auth failure in the log")
        self.server.wait_for(lambda: self.source("alpaca")["reconnects"] >= 1, what="a retry")
        status = self.source("alpaca")
        self.assertEqual(status["type"], "alpaca_ws")
        self.assertIn(status["state"], ("down", "connecting"))
        self.assertEqual(status["last_error"], "auth failed 402: auth failed")
        self.assertNotIn("wrong-secret-value", self.server.read_log())
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)

    def test_a_reload_closes_the_old_connection_and_subscribes_the_new_symbols(self):
        record = os.path.join(self.tmp.name, "record")
        fake = self.fake("--provider", "polygon", record=record)
        source = """[[sources]]
name = "polygon"
type = "polygon_ws"
url = "ws://127.0.0.1:{port}/stocks"
symbols = {symbols}
api_key_env = "BW_IT_PROVIDER_KEY"
"""
        self.serve(source.format(port=fake.port, symbols='["ACME"]'))
        self.wait_quote("ACME")
        self.server.write_config(source.format(port=fake.port, symbols='["ACME", "BETA"]'))
        status, body = self.server.api("POST", "/api/v1/admin/reload", token=self.ops)
        self.assertEqual(status, 200, body)
        self.wait_quote("BETA")
        with open(record) as f:
            lines = [json.loads(line) for line in f]
        self.assertIn({"conn": 1, "msg": {"close_code": 1001}}, lines)  # "going away", not a cut
        self.assertIn({"conn": 2, "msg": {"action": "subscribe", "params": "T.ACME,T.BETA"}}, lines)

    def test_finnhub_rest_polls_into_the_quote_api_and_fires_an_alert(self):
        fake = self.fake("--provider", "http", "--prices", "10,12")
        self.serve(f"""[[sources]]
name = "finnhub-rest"
type = "finnhub_rest"
url = "http://127.0.0.1:{fake.port}/api/v1"
symbols = ["ACME"]
interval = "100ms"
api_key_env = "BW_IT_PROVIDER_KEY"
""")
        self.alert("ACME", 11)
        quote = self.wait_quote("ACME")
        self.assertIn(quote["price"], (10, 12))
        self.wait_notification("ACME crossed above 11")
        self.assert_no_credentials_in_log()

    def test_a_rate_limited_poller_backs_off_and_recovers(self):
        fake = self.fake("--provider", "http", "--scenario", "ratelimit", "--prices", "33")
        self.serve(f"""[[sources]]
name = "yahoo"
type = "yahoo_chart"
url = "http://127.0.0.1:{fake.port}"
symbols = ["ACME"]
interval = "100ms"
""")
        self.assertEqual(self.wait_quote("ACME")["price"], 33)
        self.assertIn("source yahoo: rate limited (HTTP 429)", self.server.read_log())
        status = self.source("yahoo")
        self.assertEqual(status["state"], "live")
        self.assertEqual(status["last_error"], "rate limited (HTTP 429)")
        self.assertGreaterEqual(status["reconnects"], 1)

    def test_yahoo_crumb_handshake_refreshes_and_never_logs_the_crumb(self):
        record = os.path.join(self.tmp.name, "record")
        # Each cookie + crumb pair serves two chart requests, then answers 401.
        fake = self.fake("--provider", "http", "--crumb", "--crumb-ttl", "2", "--prices", "41,42",
                         record=record)
        base = f"http://127.0.0.1:{fake.port}"
        self.serve(f"""[[sources]]
name = "yahoo"
type = "yahoo_chart"
url = "{base}"
symbols = ["ACME"]
interval = "100ms"
crumb = true
cookie_url = "{base}/fc"
crumb_url = "{base}/v1/test/getcrumb"
""")
        self.wait_quote("ACME")
        def crumb_requests():
            with open(record) as f:
                return sum(1 for line in f if '"/v1/test/getcrumb"' in line)
        self.server.wait_for(lambda: crumb_requests() >= 3, what="two crumb refreshes")
        status = self.source("yahoo")
        self.assertEqual(status["state"], "live")
        crumbs = set()
        with open(record) as f:
            for line in f:
                query = json.loads(line)["msg"]["query"]
                if "crumb=" in query:
                    crumbs.add(query.split("crumb=", 1)[1].replace("%2F", "/"))
        self.assertGreaterEqual(len(crumbs), 2)
        log = self.server.read_log()
        self.assertIn("source yahoo: got a Yahoo cookie and crumb", log)
        for crumb in crumbs:
            self.assertNotIn(crumb[:9], log)

    def test_a_refused_crumb_shows_in_the_source_status(self):
        fake = self.fake("--provider", "http", "--crumb", "--scenario", "crumb_refused")
        base = f"http://127.0.0.1:{fake.port}"
        self.serve(f"""[[sources]]
name = "yahoo"
type = "yahoo_chart"
url = "{base}"
symbols = ["ACME"]
crumb = true
cookie_url = "{base}/fc"
crumb_url = "{base}/v1/test/getcrumb"
backoff_initial = "50ms"
backoff_max = "100ms"
""")
        self.server.wait_for(lambda: self.source("yahoo")["last_error"]
                             == "crumb handshake: crumb request refused (HTTP 403)",
                             what="the crumb failure in the source status")
        self.assertEqual(self.source("yahoo")["state"], "down")
        self.assertIsNone(self.quote("ACME"))

    def test_http_json_reads_configured_paths(self):
        fake = self.fake("--provider", "http", "--prices", "7.5")
        self.serve(f"""[[sources]]
name = "inhouse"
type = "http_json"
url = "http://127.0.0.1:{fake.port}/json/{{symbol}}"
symbols = ["ACME"]
interval = "100ms"
price_path = "quote.last"
bid_path = "quote.bid"
ask_path = "quote.ask"
ts_path = "quote.time"
""")
        quote = self.wait_quote("ACME")
        self.assertEqual(quote["price"], 7.5)
        self.assertEqual(quote["bid"], 7.45)


if __name__ == "__main__":
    unittest.main()
