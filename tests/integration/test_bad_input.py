"""Bad input gets a clear 4xx problem+json that names the field, and changes nothing."""
import contextlib
import json
import os
import socket
import subprocess
import unittest

from harness import BIN, BellwetherServer


class BadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BellwetherServer().start()
        cls.ops = cls.server.create_user("ops", admin=True)
        cls.alice = cls.server.create_user("alice")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def assertProblem(self, status, headers, text, expected_status, detail_part):
        self.assertEqual(status, expected_status, text)
        self.assertTrue(headers.get("Content-Type", "").startswith("application/problem+json"), headers)
        body = json.loads(text)
        self.assertEqual(body["status"], expected_status)
        self.assertIn("title", body)
        self.assertIn(detail_part, body["detail"])

    def post_alert(self, raw, token=None):
        return self.server.request("POST", "/api/v1/alerts", raw=raw.encode(), token=token or self.alice)

    def assertNoAlerts(self):
        self.assertEqual(self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"], [])

    def test_malformed_json_is_a_400(self):
        self.assertProblem(*self.post_alert('{"symbol": "AAPL",'), 400, "body: invalid JSON")
        self.assertNoAlerts()

    def test_deeply_nested_json_is_a_400_not_a_crash(self):
        self.assertProblem(*self.post_alert("[" * 5000 + "]" * 5000), 400, "nested too deeply")

    def test_an_unknown_condition_type_is_a_400_naming_the_field(self):
        body = '{"symbol":"AAPL","condition":{"type":"sideways","price":1}}'
        self.assertProblem(*self.post_alert(body), 400, "condition.type")
        self.assertNoAlerts()

    def test_a_missing_or_non_positive_price_is_a_400(self):
        self.assertProblem(*self.post_alert('{"symbol":"AAPL","condition":{"type":"above"}}'), 400,
                           "condition.price: is required")
        self.assertProblem(*self.post_alert('{"symbol":"AAPL","condition":{"type":"above","price":-5}}'), 400,
                           "condition.price: must be greater than zero")
        self.assertProblem(*self.post_alert('{"symbol":"AAPL","condition":{"type":"above","price":"abc"}}'), 400,
                           "condition.price")

    def test_bad_symbols_are_a_400(self):
        for symbol in ["", "AA PL", "A" * 16, "AAPL$", "ÄPFEL"]:
            body = json.dumps({"symbol": symbol, "condition": {"type": "above", "price": 1}})
            self.assertProblem(*self.post_alert(body), 400, "symbol:")
        self.assertNoAlerts()

    def test_unknown_fields_and_trigger_modes_are_a_400(self):
        self.assertProblem(*self.post_alert('{"symbol":"AAPL","condition":{"type":"above","price":1},"colour":1}'),
                           400, "colour: unknown field")
        self.assertProblem(*self.post_alert(
            '{"symbol":"AAPL","condition":{"type":"above","price":1},"trigger":{"mode":"sometimes"}}'),
            400, "trigger.mode")

    def test_an_oversized_body_is_a_413(self):
        body = '{"symbol":"AAPL","name":"' + "x" * 100_000 + '"}'
        self.assertProblem(*self.post_alert(body), 413, "body")
        self.assertNoAlerts()

    def test_a_missing_or_bad_token_is_a_401(self):
        status, headers, text = self.server.request("GET", "/api/v1/alerts")
        self.assertProblem(status, headers, text, 401, "bearer token")
        status, headers, text = self.server.request("GET", "/api/v1/alerts", token="bw_wrong")
        self.assertProblem(status, headers, text, 401, "token")

    def test_pushing_quotes_needs_an_admin_token(self):
        status, headers, text = self.server.request("POST", "/api/v1/quotes", [{"symbol": "X", "price": 1}],
                                                    token=self.alice)
        self.assertProblem(status, headers, text, 403, "admin")

    def test_a_quote_batch_with_bad_items_is_rejected_whole_with_each_reason(self):
        batch = [{"symbol": "GOOD", "price": 10}, {"symbol": "BAD SYM", "price": 1},
                 {"symbol": "NEG", "price": -1}, {"symbol": "TS", "price": 1, "ts": "yesterday"},
                 {"symbol": "NAN", "price": "x"}]
        status, headers, text = self.server.request("POST", "/api/v1/quotes", batch, token=self.ops)
        self.assertProblem(status, headers, text, 400, "[1] symbol:")
        detail = json.loads(text)["detail"]
        for part in ["[2] price: must be greater than zero", "[3] ts:", "[4] price: must be a number"]:
            self.assertIn(part, detail)
        self.assertEqual(self.server.api("GET", "/api/v1/quotes/GOOD", token=self.ops)[0], 404)

    def test_quotes_accept_rfc3339_and_unix_ms_timestamps_and_normalise_symbols(self):
        batch = [{"symbol": "brk.b", "price": 462.5, "volume": 10, "ts": "2026-11-26T15:00:00Z"},
                 {"symbol": "MSFT", "price": 415.2, "ts": 1764169200000}]
        self.assertEqual(self.server.api("POST", "/api/v1/quotes", batch, token=self.ops),
                         (202, {"accepted": 2}))
        status, quote = self.server.api("GET", "/api/v1/quotes/brk.b", token=self.ops)
        self.assertEqual((status, quote["symbol"], quote["price"], quote["ts"]),
                         (200, "BRK.B", 462.5, "2026-11-26T15:00:00.000Z"))
        status, listing = self.server.api("GET", "/api/v1/quotes", token=self.alice)
        symbols = [q["symbol"] for q in listing["items"]]
        self.assertEqual(status, 200)
        self.assertIn("BRK.B", symbols)
        self.assertIn("MSFT", symbols)
        self.assertEqual(symbols, sorted(symbols))

    def test_unknown_routes_and_ids_are_404s(self):
        status, headers, text = self.server.request("GET", "/api/v1/nothing-here", token=self.alice)
        self.assertProblem(status, headers, text, 404, "no route")
        for id_text in ["999", "abc", "-1"]:
            status, headers, text = self.server.request("GET", f"/api/v1/alerts/{id_text}", token=self.alice)
            self.assertProblem(status, headers, text, 404, "not found")

    def test_a_bad_notification_limit_is_a_400(self):
        for limit in ["0", "501", "x"]:
            status, headers, text = self.server.request("GET", f"/api/v1/notifications?limit={limit}",
                                                        token=self.alice)
            self.assertProblem(status, headers, text, 400, "limit")

    def test_the_wrong_content_type_is_a_415(self):
        status, headers, text = self.server.request("POST", "/api/v1/alerts", raw=b"symbol=AAPL", token=self.alice,
                                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertProblem(status, headers, text, 415, "Content-Type")

    def test_a_post_without_content_length_is_a_400_that_says_so(self):
        # The server answers once its read timeout has passed without a body.
        def length(reply):
            head = reply.partition(b"\r\n\r\n")[0].decode().lower()
            return next((int(line.split(":", 1)[1]) for line in head.split("\r\n")
                         if line.startswith("content-length:")), 0)

        with socket.create_connection(("127.0.0.1", self.server.web_port), timeout=60) as sock:
            sock.sendall(f"POST /api/v1/alerts/1/pause HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         f"Authorization: Bearer {self.alice}\r\nConnection: close\r\n\r\n".encode())
            reply = b""
            while b"\r\n\r\n" not in reply or len(reply.partition(b"\r\n\r\n")[2]) < length(reply):
                chunk = sock.recv(65536)
                self.assertTrue(chunk, reply)
                reply += chunk
        head, _, body = reply.decode().partition("\r\n\r\n")
        self.assertTrue(head.startswith("HTTP/1.1 400"), head)
        self.assertIn("application/problem+json", head)
        self.assertIn("Content-Length: required", json.loads(body)["detail"])


@contextlib.contextmanager
def temporary_server():
    """A configured but not started server: its data directory and config file."""
    server = BellwetherServer()
    try:
        yield server
    finally:
        server.tmp.cleanup()


class CliTest(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)

    def test_config_check_reports_every_problem_with_file_line_and_column(self):
        server = self.enterContext(temporary_server())
        broken = os.path.join(server.data_dir, "broken.toml")
        with open(broken, "w") as f:
            f.write('[web]\nlisten = "127.0.0.1:99999"\nthreds = 4\n[stream]\nheartbeat = "15 parsecs"\n')
        result = self.run_cli("config", "check", broken)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{broken}:2:10: web.listen: port must be a number from 0 to 65535", result.stderr)
        self.assertIn(f'{broken}:3:1: web.threds: unknown key (did you mean "threads"?)', result.stderr)
        self.assertIn(f"{broken}:5:13: stream.heartbeat:", result.stderr)

    def test_config_check_reports_toml_syntax_errors_with_a_location(self):
        server = self.enterContext(temporary_server())
        broken = os.path.join(server.data_dir, "syntax.toml")
        with open(broken, "w") as f:
            f.write('[web]\nlisten = "127.0.0.1:8080\n')
        result = self.run_cli("config", "check", broken)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, rf"{broken}:2:\d+: ")

    def test_the_shipped_config_passes_config_check(self):
        shipped = os.path.join(os.path.dirname(__file__), "../../config/bellwether.toml")
        result = self.run_cli("config", "check", shipped)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_token_create_prints_only_the_token_and_rejects_unknown_users(self):
        server = self.enterContext(temporary_server())
        self.assertEqual(server.cli("user", "add", "carol").returncode, 0)
        token = server.cli("token", "create", "carol").stdout
        self.assertRegex(token, r"^bw_[A-Za-z0-9_-]{43}\n$")
        self.assertEqual(server.cli("token", "create", "nobody", check=False).returncode, 1)
        duplicate = server.cli("user", "add", "carol", check=False)
        self.assertEqual(duplicate.returncode, 1)
        self.assertIn("already exists", duplicate.stderr)

    def test_set_overrides_are_validated_like_the_file(self):
        result = self.run_cli("config", "check", os.path.join(os.path.dirname(__file__), "../../config/bellwether.toml"),
                              "--set", "web.threads=0")
        self.assertEqual(result.returncode, 1)
        self.assertIn("--set web.threads: must be between 1 and 1024", result.stderr)

    def test_unknown_verbs_and_options_print_usage(self):
        result = self.run_cli("frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("Usage: bellwether", result.stderr)
        self.assertEqual(self.run_cli("--help").returncode, 0)


if __name__ == "__main__":
    unittest.main()
