"""Trigger policies through the real binary: every_time with a cooldown fires
twice, a rearm band and a cooldown survive a restart, PATCH re-arms, pause and
resume, expiry, and validation errors that name the field."""
import time
import unittest
from datetime import datetime, timedelta, timezone

from harness import BellwetherServer


def rfc3339(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class TriggerPolicyTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        # Event times well in the past, so every quote is accepted.
        self.t0 = int(time.time() * 1000) - 3_600_000

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def create(self, trigger, kind="above", price=150, **extra):
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": kind, "price": price}, "trigger": trigger, **extra},
            token=self.alice)
        self.assertEqual(status, 201, alert)
        return alert

    def push_at(self, price, offset_ms):
        status, body = self.server.api("POST", "/api/v1/quotes",
                                       [{"symbol": "TEST", "price": price, "ts": self.t0 + offset_ms}],
                                       token=self.ops)
        self.assertEqual(status, 202, body)

    def notifications(self):
        return self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]

    def alert(self, alert_id):
        return self.server.api("GET", f"/api/v1/alerts/{alert_id}", token=self.alice)[1]

    def settle(self, price):
        """Waits until the engine has taken the quote at `price`, and then a little."""
        self.server.wait_for(lambda: self.server.api("GET", "/api/v1/quotes/TEST", token=self.alice)[1]
                             .get("price") == price, what=f"last quote {price}")
        time.sleep(0.3)

    def wait_notifications(self, count):
        return self.server.wait_for(lambda: len(self.notifications()) == count and self.notifications(),
                                    what=f"{count} notifications")

    def test_every_time_with_a_cooldown_fires_twice_and_stays_armed(self):
        alert = self.create({"mode": "every_time", "cooldown": "30s"})
        self.assertEqual(alert["trigger"], {"mode": "every_time", "cooldown": "30s"})
        self.push_at(151, 0)
        self.wait_notifications(1)
        self.push_at(152, 10_000)  # inside the cooldown
        self.settle(152)
        self.assertEqual(len(self.notifications()), 1)
        self.push_at(151.5, 30_000)  # exactly 30 s after the first fire
        items = self.wait_notifications(2)
        self.assertIn("TEST is above 150.00 at 151.50", items[0]["message"])
        stored = self.alert(alert["id"])
        self.assertEqual(stored["state"], "armed")

    def test_the_cooldown_survives_a_restart(self):
        alert = self.create({"mode": "every_time", "cooldown": "1m"})
        self.push_at(151, 0)
        self.wait_notifications(1)
        self.server.stop()
        self.server.start()
        self.push_at(152, 30_000)
        self.settle(152)
        self.assertEqual(len(self.notifications()), 1)
        self.push_at(153, 60_000)
        self.wait_notifications(2)
        self.assertEqual(self.alert(alert["id"])["state"], "armed")

    def test_a_rearm_band_survives_a_restart_in_both_states(self):
        alert = self.create({"mode": "every_time", "cooldown": "0s", "rearm": {"amount": 1}})
        self.push_at(151, 0)
        self.wait_notifications(1)
        self.server.wait_for(lambda: self.alert(alert["id"])["rearm_wait"] == "below", what="waiting")
        self.server.stop()
        self.server.start()
        self.push_at(151.5, 1_000)  # still waiting: no fire
        self.settle(151.5)
        self.assertEqual(len(self.notifications()), 1)
        self.push_at(149, 2_000)  # back through 149: re-armed
        self.settle(149)
        self.server.wait_for(lambda: self.alert(alert["id"])["rearm_wait"] == "none", what="re-armed")
        self.server.stop()
        self.server.start()
        self.push_at(150.5, 3_000)
        self.wait_notifications(2)

    def test_patch_re_arms_a_triggered_alert_with_its_new_condition(self):
        alert = self.create({"mode": "once"})
        self.push_at(151, 0)
        self.wait_notifications(1)
        self.server.wait_for(lambda: self.alert(alert["id"])["state"] == "triggered", what="triggered")
        status, patched = self.server.api("PATCH", f"/api/v1/alerts/{alert['id']}",
                                          {"condition": {"type": "above", "price": 160}}, token=self.alice)
        self.assertEqual(status, 200, patched)
        self.assertEqual(patched["state"], "armed")
        self.assertEqual(patched["condition"], {"type": "above", "price": 160.0})
        self.push_at(155, 1_000)
        self.settle(155)
        self.assertEqual(len(self.notifications()), 1)
        self.push_at(161, 2_000)
        items = self.wait_notifications(2)
        self.assertIn("TEST is above 160.00 at 161.00", items[0]["message"])

    def test_a_paused_alert_does_not_fire_until_resumed(self):
        alert = self.create({"mode": "once"})
        status, paused = self.server.api("POST", f"/api/v1/alerts/{alert['id']}/pause", token=self.alice)
        self.assertEqual((status, paused["state"]), (200, "paused"))
        self.push_at(151, 0)
        self.settle(151)
        self.assertEqual(self.notifications(), [])
        status, resumed = self.server.api("POST", f"/api/v1/alerts/{alert['id']}/resume", token=self.alice)
        self.assertEqual((status, resumed["state"]), (200, "armed"))
        self.push_at(152, 1_000)
        self.wait_notifications(1)

    def test_an_expired_alert_never_fires_and_reads_as_expired(self):
        expires = datetime.now(timezone.utc) + timedelta(seconds=1.5)
        alert = self.create({"mode": "every_time"}, expires_at=rfc3339(expires))
        self.assertEqual(alert["expires_at"], rfc3339(expires))
        time.sleep(1.7)
        self.assertEqual(self.alert(alert["id"])["state"], "expired")
        self.server.push(self.ops, 151)  # event time now: past the expiry
        self.settle(151)
        self.assertEqual(self.notifications(), [])
        status, body = self.server.api("POST", f"/api/v1/alerts/{alert['id']}/resume", token=self.alice)
        self.assertEqual(status, 409, body)

    def test_an_entering_channel_alert_fires_and_survives_a_restart_as_stored(self):
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "entering_channel", "lower": 140, "upper": "150.5"}},
            token=self.alice)
        self.assertEqual(status, 201, alert)
        self.server.stop()
        self.server.start()
        self.assertEqual(self.alert(alert["id"])["condition"],
                         {"type": "entering_channel", "lower": 140.0, "upper": 150.5})
        self.push_at(155, 0)
        self.push_at(150.25, 1_000)
        items = self.wait_notifications(1)
        self.assertIn("TEST entered channel 140.00-150.50 at 150.25", items[0]["message"])

    def test_bad_edits_are_400s_that_name_the_field_and_change_nothing(self):
        alert = self.create({"mode": "once"})
        path = f"/api/v1/alerts/{alert['id']}"
        cases = [
            ({"trigger": {"mode": "every_time", "cooldown": "soon"}}, "trigger.cooldown:"),
            ({"trigger": {"mode": "once_per"}}, "trigger.interval:"),
            ({"trigger": {"mode": "every_time", "rearm": {"percent": -1}}}, "trigger.rearm.percent:"),
            ({"condition": {"type": "above"}}, "condition.price:"),
            ({"expires_at": "yesterday"}, "expires_at:"),
            ({"colour": "red"}, "colour:"),
        ]
        for body, field in cases:
            status, problem = self.server.api("PATCH", path, body, token=self.alice)
            self.assertEqual(status, 400, body)
            self.assertTrue(problem["detail"].startswith(field), problem)
        self.assertEqual(self.alert(alert["id"])["trigger"], {"mode": "once"})
        bob = self.server.create_user("bob")
        self.assertEqual(self.server.api("PATCH", path, {"name": "x"}, token=bob)[0], 404)
        self.assertEqual(self.server.api("POST", path + "/pause", token=bob)[0], 404)


if __name__ == "__main__":
    unittest.main()
