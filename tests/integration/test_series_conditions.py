"""Volume spikes and indicators on bars (issue 3) through the real binary:
each type created over the API fires from pushed quotes (event time from the
quote), reads back as sent, the warm-up of its series survives a restart,
alerts-as-code files and export carry them, and bad parameters are 400s that
name the field on create and PATCH."""
import os
import time
import unittest

from harness import BellwetherServer

MIN = 60_000


class SeriesConditionsTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        # A whole minute about two hours ago: minute m is [t0 + m min, t0 + (m + 1) min).
        now = int(time.time() * 1000)
        self.t0 = now - now % MIN - 120 * MIN

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def create(self, symbol, condition, **extra):
        status, alert = self.server.api("POST", "/api/v1/alerts",
                                        {"symbol": symbol, "condition": condition, **extra},
                                        token=self.alice)
        self.assertEqual(status, 201, alert)
        self.assertEqual(alert["condition"], condition)
        return alert

    def push(self, symbol, trades):
        """trades: (price, minute, second, volume) in order, one request each,
        each taken by the engine before the next, so that the engine queue does
        not merge them into one mini-bar (a merged bar spanning bar boundaries
        counts as one quote at its newest time)."""
        for p, m, s, v in trades:
            quote = {"symbol": symbol, "price": p, "ts": self.t0 + m * MIN + s * 1000, "volume": v}
            status, body = self.server.api("POST", "/api/v1/quotes", [quote], token=self.ops)
            self.assertEqual(status, 202, body)
            # A quote still queued when the next arrives would merge with it: wait
            # until the engine has taken it (a busy machine is slower than this loop).
            self.server.wait_for_engine_queue_empty()

    def settle(self, symbol, price):
        self.server.wait_for(lambda: self.server.api("GET", f"/api/v1/quotes/{symbol}", token=self.alice)[1]
                             .get("price") == price, what=f"last quote {price}")
        time.sleep(0.3)

    def messages(self):
        items = self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]
        return sorted(item["message"] for item in items)

    def wait_messages(self, count):
        try:
            return self.server.wait_for(lambda: len(self.messages()) == count and self.messages(),
                                        what=f"{count} notifications")
        except AssertionError as error:
            raise AssertionError(f"{error}; have {self.messages()}") from None

    def test_every_series_type_fires_from_pushed_quotes(self):
        self.create("VOL", {"type": "volume_spike", "factor": 3, "window": "1m", "baseline": "3m"})
        self.create("SMAU", {"type": "sma_crossing_up", "interval": "1m", "period": 3})
        self.create("SMAD", {"type": "sma_crossing_down", "interval": "1m", "period": 3})
        self.create("EMAU", {"type": "ema_crossing_up", "interval": "1m", "period": 3})
        self.create("EMAD", {"type": "ema_crossing_down", "interval": "1m", "period": 3})
        self.create("RSIA", {"type": "rsi_above", "interval": "1m", "period": 3, "value": 70})
        self.create("RSIB", {"type": "rsi_below", "interval": "1m", "period": 3, "value": 70})
        # docs/RULES.md, "Example: volume_spike 3 fires when a 1m window reaches 3x ..."
        self.push("VOL", [(10, 0, 10, 100), (10, 1, 0, 100), (10, 2, 0, 200), (10, 3, 0, 1200),
                          (10, 4, 10, 1000)])
        sma = [(10, 0, 0, 1), (11, 1, 0, 1), (12, 2, 0, 1), (10, 3, 0, 1)]
        self.push("SMAU", sma)
        self.push("SMAD", sma + [(11, 3, 30, 1), (12, 3, 40, 1)])
        ema = [(10, 0, 0, 1), (11, 1, 0, 1), (12, 2, 0, 1), (14, 3, 0, 1), (13, 4, 0, 1)]
        self.push("EMAU", ema)
        self.push("EMAD", ema)
        rsi = [(10, 0, 0, 1), (11, 1, 0, 1), (12, 2, 0, 1), (11, 3, 0, 1)]
        self.push("RSIA", rsi + [(13, 4, 0, 1), (14, 4, 30, 1), (13, 4, 50, 1)])
        self.push("RSIB", rsi)
        self.settle("RSIB", 11)
        self.assertEqual(self.messages(), [])  # every series is warming up or below its line
        self.push("VOL", [(10.5, 4, 20, 500)])
        self.push("SMAU", [(11, 3, 30, 1)])
        self.push("SMAD", [(9, 4, 0, 1)])
        self.push("EMAU", [(12, 4, 10, 1), (12.5, 4, 20, 1)])
        self.push("EMAD", [(12, 4, 10, 1)])
        self.push("RSIA", [(13, 5, 0, 1)])
        self.push("RSIB", [(13, 4, 0, 1)])
        self.assertEqual(self.wait_messages(7), [
            "EMAD crossed below EMA(3, 1m) at 12.00",
            "EMAU crossed above EMA(3, 1m) at 12.50",
            "RSIA RSI is above 70 (3 bars of 1m) at 13.00",
            "RSIB RSI is below 70 (3 bars of 1m) at 13.00",
            "SMAD crossed below SMA(3, 1m) at 9.00",
            "SMAU crossed above SMA(3, 1m) at 11.00",
            "VOL volume spiked 3x the 1m average over 3m at 10.50",
        ])

    def test_the_warm_up_survives_a_restart(self):
        sma = self.create("WARM", {"type": "sma_crossing_up", "interval": "1m", "period": 3})
        rsi = self.create("WARM", {"type": "rsi_below", "interval": "1m", "period": 3, "value": 70})
        vol = self.create("WARM", {"type": "volume_spike", "factor": 2, "window": "1m", "baseline": "2m"})
        self.push("WARM", [(10, 0, 10, 100), (11, 1, 0, 100), (12, 2, 0, 100), (10, 3, 0, 100)])
        self.settle("WARM", 10)
        self.assertEqual(self.messages(), [])
        self.server.stop()
        self.server.start()
        listed = {a["id"]: a for a in self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"]}
        self.assertEqual(listed[sma["id"]]["condition"], sma["condition"])
        self.assertEqual(listed[vol["id"]]["condition"], vol["condition"])
        # Without the saved series, the SMA, RSI and volume baseline would start over
        # and none of these would fire.
        self.push("WARM", [(11, 3, 30, 100)])  # SMA 11 crossed from 10; window 3: 200 >= 2 * 100
        self.assertEqual(self.wait_messages(2), [
            "WARM crossed above SMA(3, 1m) at 11.00",
            "WARM volume spiked 2x the 1m average over 2m at 11.00",
        ])
        self.push("WARM", [(13, 4, 0, 1)])  # closes bar 3: RSI 66.67
        self.assertIn("WARM RSI is below 70 (3 bars of 1m) at 13.00", self.wait_messages(3))

    def test_bad_parameters_are_400s_that_name_the_field(self):
        cases = [
            ({"type": "volume_spike", "factor": 1, "window": "1m", "baseline": "5m"},
             "condition.factor: must be above 1 and at most 1000"),
            ({"type": "volume_spike", "factor": 2, "window": "1m", "baseline": "90s"},
             "condition.baseline: must be a whole multiple of the window"),
            ({"type": "volume_spike", "factor": 2, "window": "1w", "baseline": "5m"},
             "condition.window: must be a positive duration"),
            ({"type": "sma_crossing_up", "interval": "7m", "period": 20},
             "condition.interval: must be one of 1m"),
            ({"type": "ema_crossing_down", "interval": "1m", "period": 501},
             "condition.period: must be a whole number from 2 to 500"),
            ({"type": "rsi_above", "interval": "1m", "period": 14, "value": 0},
             "condition.value: must be greater than zero"),
            ({"type": "rsi_below", "interval": "1m", "period": 14, "value": 100},
             "condition.value: must be above 0 and below 100"),
            ({"type": "any_of", "conditions": [{"type": "rsi_below", "interval": "1m", "value": 30}]},
             "condition.conditions[0].period: is required for rsi_below"),
        ]
        for condition, message in cases:
            status, body = self.server.api("POST", "/api/v1/alerts", {"symbol": "BAD", "condition": condition},
                                           token=self.alice)
            self.assertEqual(status, 400, body)
            self.assertIn(message, body["detail"])
        alert = self.create("BAD", {"type": "rsi_above", "interval": "5m", "period": 14, "value": 70})
        status, body = self.server.api("PATCH", f"/api/v1/alerts/{alert['id']}",
                                       {"condition": {"type": "rsi_above", "interval": "5m", "period": 1,
                                                      "value": 70}},
                                       token=self.alice)
        self.assertEqual(status, 400, body)
        self.assertIn("condition.period: must be a whole number from 2 to 500", body["detail"])
        status, body = self.server.api("PATCH", f"/api/v1/alerts/{alert['id']}",
                                       {"condition": {"type": "ema_crossing_up", "interval": "1h", "period": 50}},
                                       token=self.alice)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["condition"], {"type": "ema_crossing_up", "interval": "1h", "period": 50})
        items = self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"]
        self.assertEqual(len(items), 1)


FILE = """
[[alert]]
id = "rsi"
owner = "alice"
symbol = "AAPL"
condition = { type = "rsi_below", interval = "1d", period = 14, value = 30 }

[[alert]]
id = "spike"
owner = "alice"
symbol = "AAPL"
condition = { type = "volume_spike", factor = 2.5, window = "5m", baseline = "1h" }
"""


class SeriesAlertsAsCodeTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer()
        self.alerts_dir = os.path.join(self.server.data_dir, "alerts.d")
        os.makedirs(self.alerts_dir)
        self.server.write_config(extra_config=f'[alerts]\ndirectory = "{self.alerts_dir}"\n')
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def test_series_alerts_load_from_files_and_round_trip_through_export(self):
        with open(os.path.join(self.alerts_dir, "desk.toml"), "w") as f:
            f.write(FILE)
        self.server.start()
        items = self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"]
        conditions = sorted((a["condition"]["type"], a["condition"]) for a in items)
        self.assertEqual(conditions, [
            ("rsi_below", {"type": "rsi_below", "interval": "1d", "period": 14, "value": 30}),
            ("volume_spike", {"type": "volume_spike", "factor": 2.5, "window": "5m", "baseline": "1h"}),
        ])
        status, _, text = self.server.request("GET", "/api/v1/alerts/export", token=self.alice)
        self.assertEqual(status, 200, text)
        self.assertIn('type = "volume_spike"', text)
        status, _, body = self.server.request("POST", "/api/v1/alerts/import", token=self.alice,
                                              raw=text.encode(), headers={"Content-Type": "application/toml"})
        self.assertEqual(status, 201, body)
        after = self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"]
        self.assertEqual(sorted((a["condition"]["type"], a["condition"]) for a in after[2:]), conditions)
        bad = ('[[alert]]\nsymbol = "AAPL"\n'
               'condition = { type = "sma_crossing_up", interval = "1m", period = 1000 }\n')
        status, _, body = self.server.request("POST", "/api/v1/alerts/import", token=self.alice,
                                              raw=bad.encode(), headers={"Content-Type": "application/toml"})
        self.assertEqual(status, 400, body)
        self.assertIn("body:3:", body)
        self.assertIn("alert[0].condition.period: must be a whole number from 2 to 500", body)


if __name__ == "__main__":
    unittest.main()
