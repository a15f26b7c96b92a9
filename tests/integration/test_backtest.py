"""Backtests through the real binary: `bellwether backtest` over temp files
(CSV and JSON output, sessions, skipped duplicates, errors naming file:line),
POST /api/v1/alerts/backtest over the ticks the server holds, and the alert
field `sessions` through create, GET, PATCH and a restart."""
import json
import os
import subprocess
import tempfile
import time
import unittest

from harness import BIN, BellwetherServer

ALERTS = """
[[alert]]
id = "cross"
symbol = "AAPL"
name = "cross, any time"
condition = { type = "crossing_up", price = 100 }
trigger = { mode = "every_time", cooldown = "0s" }

[[alert]]
id = "open-bell"
symbol = "aapl"
condition = { type = "above", price = 100 }
sessions = ["regular"]
"""

# Tuesday 2026-12-01: 08:00 and 08:05 New York are pre-market, 09:30 opens.
TICKS = """ts,symbol,price,volume
2026-12-01T13:00:00Z,AAPL,99,10
2026-12-01T13:05:00Z,AAPL,101,10
2026-12-01T13:05:00Z,AAPL,101,10
2026-12-01T14:30:00Z,AAPL,101.5,10
2026-12-01T14:31:00Z,AAPL,99,10
2026-12-01T14:32:00Z,AAPL,100,10
"""


class BacktestCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="bw-bt-")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def backtest(self, alerts, ticks, *extra, alerts_name="alerts.toml"):
        return subprocess.run([BIN, "backtest", "--alerts", self.write(alerts_name, alerts),
                               "--ticks", self.write(ticks[0], ticks[1]), *extra],
                              capture_output=True, text=True, timeout=60)

    def test_csv_lists_each_fire_through_the_engine(self):
        result = self.backtest(ALERTS, ("ticks.csv", TICKS))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), [
            "alert,name,symbol,ts,price,direction,state_after",
            'cross,"cross, any time",AAPL,2026-12-01T13:05:00.000Z,101.00,up,armed',
            "open-bell,,AAPL,2026-12-01T14:30:00.000Z,101.50,up,triggered",
            'cross,"cross, any time",AAPL,2026-12-01T14:32:00.000Z,100.00,up,armed',
        ])
        self.assertIn("5 ticks", result.stderr)
        self.assertIn("skipped 1 duplicate", result.stderr)

    def test_json_output_counts_ticks_and_time_range(self):
        ndjson = "\n".join(json.dumps({"symbol": "AAPL", "price": p, "ts": ts}) for ts, p in [
            ("2026-12-01T13:00:00Z", 99), ("2026-12-01T13:05:00Z", 101),
            ("2026-12-01T14:30:00Z", 101.5)]) + "\n"
        result = self.backtest(ALERTS, ("ticks.ndjson", ndjson), "--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        out = json.loads(result.stdout)
        self.assertEqual(out["ticks_examined"], 3)
        self.assertEqual(out["from"], "2026-12-01T13:00:00.000Z")
        self.assertEqual(out["to"], "2026-12-01T14:30:00.000Z")
        self.assertEqual([(f["alert"], f["ts"]) for f in out["fires"]],
                         [("cross", "2026-12-01T13:05:00.000Z"), ("open-bell", "2026-12-01T14:30:00.000Z")])

    def test_a_bad_tick_names_file_and_line_and_prints_no_result(self):
        bad = TICKS.replace("2026-12-01T14:31:00Z,AAPL,99,10", "2026-12-01T14:31:00Z,AAPL,abc,10")
        result = self.backtest(ALERTS, ("ticks.csv", bad))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertRegex(result.stderr, r"ticks\.csv:6: price")

    def test_a_bad_alert_names_file_line_column_and_key(self):
        result = self.backtest(ALERTS.replace('["regular"]', '["regular", "lunch"]'), ("ticks.csv", TICKS))
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"alerts\.toml:\d+:\d+: alert\[1\]\.sessions\[1\]: must be")

    def test_json_alerts_fire_like_the_same_alerts_in_toml(self):
        alerts = [{"symbol": "AAPL", "name": "cross, any time",
                   "condition": {"type": "crossing_up", "price": 100},
                   "trigger": {"mode": "every_time", "cooldown": "0s"}},
                  {"symbol": "aapl", "condition": {"type": "above", "price": 100}, "sessions": ["regular"]}]
        # A bare array, detected by its first characters under any name.
        result = self.backtest(json.dumps(alerts), ("ticks.csv", TICKS), alerts_name="alerts.txt")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), [
            "alert,name,symbol,ts,price,direction,state_after",
            'alert[0],"cross, any time",AAPL,2026-12-01T13:05:00.000Z,101.00,up,armed',
            "alert[1],,AAPL,2026-12-01T14:30:00.000Z,101.50,up,triggered",
            'alert[0],"cross, any time",AAPL,2026-12-01T14:32:00.000Z,100.00,up,armed',
        ])

    def test_a_bad_json_alert_names_file_line_column_and_field(self):
        bad = '{"items": [\n  {"symbol": "AAPL", "condition": {"type": "above", "price": -1}}\n]}'
        result = self.backtest(bad, ("ticks.csv", TICKS), alerts_name="alerts.json")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertRegex(result.stderr, r"alerts\.json:2:3: items\[0\]\.condition\.price: must be")
        result = self.backtest('[{"symbol": "AAPL",,}]', ("ticks.csv", TICKS), alerts_name="alerts.json")
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"alerts\.json:1:20: invalid JSON: ")

    def test_missing_options_are_a_usage_error(self):
        result = subprocess.run([BIN, "backtest", "--alerts", "x.toml"], capture_output=True, text=True,
                                timeout=60)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--ticks", result.stderr)


class BacktestApiTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer(extra_config="[backtest]\nticks_per_symbol = 4\n").start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        self.t0 = int(time.time() * 1000) - 3_600_000

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def push(self, *prices):
        quotes = [{"symbol": "TEST", "price": p, "ts": self.t0 + i * 1000} for i, p in enumerate(prices)]
        status, body = self.server.api("POST", "/api/v1/quotes", quotes, token=self.ops)
        self.assertEqual(status, 202, body)
        self.server.wait_for(lambda: self.backtest({"type": "above", "price": 1})[1]["ticks_examined"]
                             == min(4, len(prices)), what="ticks in the ring")

    def backtest(self, condition, **extra):
        return self.server.api("POST", "/api/v1/alerts/backtest",
                               {"symbol": "TEST", "condition": condition, **extra}, token=self.alice)

    def test_a_candidate_is_judged_over_the_newest_ticks_and_nothing_is_stored(self):
        # Six ticks; the ring keeps the last four: 151, 149, 152, 148.
        self.push(140, 150.5, 151, 149, 152, 148)
        status, out = self.backtest({"type": "crossing_up", "price": 150},
                                    trigger={"mode": "every_time", "cooldown": "0s"})
        self.assertEqual(status, 200, out)
        self.assertEqual(out["ticks_examined"], 4)
        self.assertEqual(out["symbol"], "TEST")
        self.assertIsNotNone(out["from"])
        self.assertEqual([(f["price"], f["direction"]) for f in out["fires"]], [(152.0, "up")])
        self.assertEqual(self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"], [])

    def test_validation_names_the_field_like_create(self):
        status, out = self.backtest({"type": "above", "price": 1}, sessions=["regular", "regular"])
        self.assertEqual(status, 400)
        self.assertIn("sessions[1]", out["detail"])
        status, out = self.backtest({"type": "above"})
        self.assertEqual(status, 400)
        self.assertIn("condition.price", out["detail"])
        status, _ = self.server.api("POST", "/api/v1/alerts/backtest",
                                    {"symbol": "TEST", "condition": {"type": "above", "price": 1}})
        self.assertEqual(status, 401)

    def test_an_unknown_symbol_examines_no_ticks(self):
        status, out = self.server.api("POST", "/api/v1/alerts/backtest",
                                      {"symbol": "NOPE", "condition": {"type": "above", "price": 1}},
                                      token=self.alice)
        self.assertEqual(status, 200, out)
        self.assertEqual((out["ticks_examined"], out["from"], out["fires"]), (0, None, []))


class BacktestApiExportTest(unittest.TestCase):
    """The alerts a user made through the API, as GET /api/v1/alerts answers
    them, backtested by the CLI: the page file is read as it is."""

    def test_the_alerts_page_of_the_api_backtests_with_the_cli(self):
        with tempfile.TemporaryDirectory(prefix="bw-bt-") as tmp:
            with BellwetherServer() as server:
                alice = server.create_user("alice")
                for body in ({"symbol": "AAPL", "name": "cross",
                              "condition": {"type": "crossing_up", "price": 100},
                              "trigger": {"mode": "every_time", "cooldown": "0s"}},
                             {"symbol": "AAPL", "condition": {"type": "rsi_above", "interval": "1m",
                                                              "period": 2, "value": 60},
                              "expires_at": "2099-01-01T00:00:00Z"}):
                    status, out = server.api("POST", "/api/v1/alerts", body, token=alice)
                    self.assertEqual(status, 201, out)
                status, page = server.api("GET", "/api/v1/alerts", token=alice)
                self.assertEqual(status, 200, page)
            alerts = os.path.join(tmp, "alerts.json")
            with open(alerts, "w") as f:
                json.dump(page, f, indent=2)
            ticks = os.path.join(tmp, "ticks.csv")
            with open(ticks, "w") as f:  # one-minute bars: closes 99, 101, 103
                f.write("ts,symbol,price\n2026-12-01T15:00:00Z,AAPL,99\n2026-12-01T15:01:00Z,AAPL,101\n"
                        "2026-12-01T15:02:00Z,AAPL,103\n2026-12-01T15:03:00Z,AAPL,102\n")
            result = subprocess.run([BIN, "backtest", "--alerts", alerts, "--ticks", ticks, "--format", "json"],
                                    capture_output=True, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            out = json.loads(result.stdout)
            ids = [str(item["id"]) for item in page["items"]]
            self.assertEqual(out["alerts"], 2)
            # The crossing at 101; RSI(2) of closes 99, 101, 103 is 100 at the close of 103.
            self.assertEqual([(f["alert"], f["ts"], f["price"]) for f in out["fires"]], [
                (ids[0], "2026-12-01T15:01:00.000Z", "101.00"),
                (ids[1], "2026-12-01T15:03:00.000Z", "102.00")])


class SessionsApiTest(unittest.TestCase):
    def test_sessions_round_trip_through_create_patch_and_a_restart(self):
        with tempfile.TemporaryDirectory(prefix="bw-it-") as data:
            server = BellwetherServer(data_dir=data).start()
            try:
                alice = server.create_user("alice")
                status, alert = server.api("POST", "/api/v1/alerts", {
                    "symbol": "TEST", "condition": {"type": "above", "price": 5},
                    "sessions": ["post", "regular"]}, token=alice)
                self.assertEqual(status, 201, alert)
                self.assertEqual(alert["sessions"], ["regular", "post"])
                path = f"/api/v1/alerts/{alert['id']}"
                for bad, field in ((["pre", "pre"], "sessions[1]"), ([], "sessions"), (["night"], "sessions[0]"),
                                   ("regular", "sessions")):
                    status, out = server.api("PATCH", path, {"sessions": bad}, token=alice)
                    self.assertEqual(status, 400, out)
                    self.assertTrue(out["detail"].startswith(field + ":"), out)
                status, out = server.api("PATCH", path, {"sessions": ["pre"]}, token=alice)
                self.assertEqual((status, out["sessions"]), (200, ["pre"]))
                server.stop()
                server.start()
                self.assertEqual(server.api("GET", path, token=alice)[1]["sessions"], ["pre"])
                status, out = server.api("PATCH", path, {"sessions": None}, token=alice)
                self.assertEqual((status, out["sessions"]), (200, None))
            finally:
                server.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
