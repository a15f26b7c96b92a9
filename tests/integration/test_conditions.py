"""Window moves, spreads, day change, day volume and compound conditions
through the real binary:
they fire from pushed quotes (event time from the quote), GET returns them as
they were sent, they survive a restart, and bad parameters are 400s that name
the field (inside a compound too)."""
import time
import unittest

from harness import BellwetherServer


class ConditionsTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        self.t0 = int(time.time() * 1000) - 3_600_000

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def create(self, condition, symbol="COND", **extra):
        status, alert = self.server.api("POST", "/api/v1/alerts",
                                        {"symbol": symbol, "condition": condition, **extra},
                                        token=self.alice)
        self.assertEqual(status, 201, alert)
        self.assertEqual(alert["condition"], condition)
        return alert

    def push(self, price, offset_ms, symbol="COND", **extra):
        status, body = self.server.api("POST", "/api/v1/quotes",
                                       [{"symbol": symbol, "price": price, "ts": self.t0 + offset_ms,
                                         **extra}], token=self.ops)
        self.assertEqual(status, 202, body)

    def settle(self, price, symbol="COND"):
        self.server.wait_for(lambda: self.server.api("GET", f"/api/v1/quotes/{symbol}", token=self.alice)[1]
                             .get("price") == price, what=f"last quote {price}")
        time.sleep(0.3)

    def messages(self):
        items = self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]
        return sorted(item["message"] for item in items)

    def wait_messages(self, count):
        return self.server.wait_for(lambda: len(self.messages()) == count and self.messages(),
                                    what=f"{count} notifications")

    def test_a_window_move_fires_from_the_low_inside_its_window(self):
        alert = self.create({"type": "moving_up", "amount": 2, "window": "30s"})
        self.push(100, 0)
        self.push(99, 10_000)
        self.push(100.5, 20_000)
        self.settle(100.5)
        self.assertEqual(self.messages(), [])
        self.push(101, 35_000)  # 2 above the 99 of 25 s ago
        self.assertEqual(self.wait_messages(1), ["COND rose 2.00 within 30s at 101.00"])
        self.assertEqual(self.server.api("GET", f"/api/v1/alerts/{alert['id']}", token=self.alice)[1]["state"],
                         "triggered")

    def test_a_compound_with_a_spread_fires_only_when_every_condition_holds(self):
        condition = {"type": "all_of", "conditions": [
            {"type": "above", "price": 150},
            {"type": "spread_above_bps", "bps": 10},
            {"type": "moving_up_pct", "percent": 1.5, "window": "5m"}]}
        self.create(condition, trigger={"mode": "every_time", "cooldown": "0s"})
        self.push(149, 0, bid=148.9, ask=149.1)
        self.push(151, 1_000)  # no bid/ask: the spread condition cannot hold
        self.settle(151)
        self.assertEqual(self.messages(), [])
        self.push(151.5, 2_000, bid=151, ask=152)  # above, 66 bps, 1.68 % above 149
        self.assertEqual(self.wait_messages(1), ["COND met all of 3 conditions at 151.50"])

    def test_new_conditions_read_back_faithfully_and_survive_a_restart(self):
        conditions = [
            {"type": "moving_down_pct", "percent": 2.5, "window": "15m"},
            {"type": "spread_above_bps", "bps": 12.5},
            {"type": "any_of", "conditions": [
                {"type": "crossing_down", "price": 140},
                {"type": "all_of", "conditions": [
                    {"type": "inside_channel", "lower": 145, "upper": 150},
                    {"type": "moving_down", "amount": 3, "window": "1h"}]}]},
        ]
        ids = [self.create(c)["id"] for c in conditions]
        self.server.stop()
        self.server.start()
        listed = self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]
        items = listed["items"] if isinstance(listed, dict) else listed
        by_id = {item["id"]: item for item in items}
        for alert_id, condition in zip(ids, conditions):
            self.assertEqual(by_id[alert_id]["condition"], condition)
            self.assertEqual(by_id[alert_id]["state"], "armed")
        # Still armed in the engine after the restart: the compound fires.
        self.push(141, 0)
        self.push(139, 1_000)
        self.assertEqual(self.wait_messages(1), ["COND met one of 2 conditions at 139.00"])

    def test_bad_parameters_are_400s_that_name_the_field(self):
        cases = [
            ({"type": "moving_up", "amount": 1, "window": "0s"},
             "condition.window: must be a positive duration"),
            ({"type": "moving_up", "amount": 1, "window": "2d"},
             "condition.window: must be a positive duration up to 1d"),
            ({"type": "moving_down_pct", "percent": 150, "window": "1m"},
             "condition.percent: must be at most 100"),
            ({"type": "spread_above_bps", "bps": -1}, "condition.bps: must be greater than zero"),
            ({"type": "all_of", "conditions": []}, "condition.conditions: must be an array of 1 to 16"),
            ({"type": "any_of", "conditions": [{"type": "above", "price": 1},
                                               {"type": "moving_up", "amount": 1}]},
             "condition.conditions[1].window: is required for moving_up"),
        ]
        for condition, message in cases:
            status, body = self.server.api("POST", "/api/v1/alerts", {"symbol": "COND", "condition": condition},
                                           token=self.alice)
            self.assertEqual(status, 400, body)
            self.assertIn(message, body["detail"])
        alert = self.create({"type": "above", "price": 1})
        status, body = self.server.api("PATCH", f"/api/v1/alerts/{alert['id']}",
                                       {"condition": {"type": "moving_up", "amount": 1, "window": "-1m"}},
                                       token=self.alice)
        self.assertEqual(status, 400, body)
        self.assertIn("condition.window", body["detail"])
        listed = self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]
        items = listed["items"] if isinstance(listed, dict) else listed
        self.assertEqual(len(items), 1)

    def test_the_previous_sessions_close_survives_a_restart(self):
        # Two consecutive New York days, both well in the past: 17:00 UTC is
        # 12:00 or 13:00 in New York, whatever the season.
        import datetime
        today = datetime.datetime.now(datetime.timezone.utc).replace(hour=17, minute=0, second=0,
                                                                      microsecond=0)
        day1 = int((today - datetime.timedelta(days=3)).timestamp() * 1000)
        day2 = int((today - datetime.timedelta(days=2)).timestamp() * 1000)
        self.create({"type": "day_change_pct_below", "percent": -2},
                    trigger={"mode": "every_time", "cooldown": "0s"})
        self.t0 = day1
        self.push(100, 0)
        self.settle(100)
        self.server.stop()
        self.server.start()
        self.t0 = day2
        self.push(98, 0)  # exactly -2 %: not below
        self.settle(98)
        self.assertEqual(self.messages(), [])
        self.push(97.9, 1_000)
        self.assertEqual(self.wait_messages(1), ["COND day change is below -2% at 97.90"])
        # The feed's previous close wins: -1.1 % of 99 is not below -2 %.
        self.push(97.9, 2_000, prev_close=99)
        self.settle(97.9)
        time.sleep(0.3)
        self.assertEqual(len(self.messages()), 1)

    def test_volume_above_counts_the_days_volume(self):
        self.create({"type": "volume_above", "volume": 250})
        self.push(10, 0, volume=100)
        self.push(10.5, 1_000, volume=100)
        self.settle(10.5)
        self.assertEqual(self.messages(), [])
        self.push(11, 2_000, volume=100)
        self.assertEqual(self.wait_messages(1), ["COND day volume is above 250 at 11.00"])


if __name__ == "__main__":
    unittest.main()
