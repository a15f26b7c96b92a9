"""Quiet hours through the real binary: GET/PATCH /api/v1/me/settings
validate and store a user's window; while it holds, a fired alert still
reaches the stream but its webhook delivery waits (durably, across a kill -9),
and clearing the window releases it at once."""
import datetime
import unittest

from harness import BellwetherServer
from webhook_receiver import WebhookReceiver

CONFIG = ("[delivery]\nallowed_private_addresses = [\"127.0.0.1\"]\n"
          "retry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n")


def hhmm(minutes):
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def window_around_now(offset_minutes=0):
    now = datetime.datetime.now(datetime.timezone.utc)
    local = now.hour * 60 + now.minute + offset_minutes
    return {"start": hhmm(local - 60), "end": hhmm(local + 60)}


class QuietHoursTest(unittest.TestCase):
    def setUp(self):
        self.receiver = WebhookReceiver().__enter__()
        self.server = BellwetherServer(extra_config=CONFIG).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)

    def settings(self, body=None, token=None):
        if body is None:
            return self.server.api("GET", "/api/v1/me/settings", token=token or self.alice)
        return self.server.api("PATCH", "/api/v1/me/settings", body, token=token or self.alice)

    def test_settings_start_empty_and_round_trip(self):
        status, body = self.settings()
        self.assertEqual((status, body), (200, {"quiet_hours": None, "quiet_until": None}))
        window = {"start": "22:00", "end": "07:00", "timezone": "America/New_York"}
        status, body = self.settings({"quiet_hours": window})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["quiet_hours"], window)
        self.assertEqual(self.settings()[1]["quiet_hours"], window)
        status, body = self.settings({"quiet_hours": {"start": "9:00", "end": "10:00", "timezone": "UTC+5"}})
        self.assertEqual(status, 400, body)
        # A refused PATCH changes nothing; another user sees only their own settings.
        self.assertEqual(self.settings()[1]["quiet_hours"], window)
        bob = self.server.create_user("bob")
        self.assertIsNone(self.settings(token=bob)[1]["quiet_hours"])

    def test_bad_settings_are_400s_naming_the_field(self):
        for body, prefix in [
                ({"quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Europe/Paris"}},
                 "quiet_hours.timezone:"),
                ({"quiet_hours": {"start": "25:00", "end": "07:00", "timezone": "UTC"}}, "quiet_hours.start:"),
                ({"quiet_hours": {"start": "07:00", "end": "07:00", "timezone": "UTC"}}, "quiet_hours.end:"),
                ({"quiet_hours": {"start": "07:00", "timezone": "UTC"}}, "quiet_hours.end: is required"),
                ({"quiet_hours": {"start": "07:00", "end": "08:00", "timezone": "UTC", "x": 1}},
                 "quiet_hours.x: unknown field"),
                ({"quiet": None}, "quiet: unknown field"),
                ({}, "body:")]:
            status, answer = self.settings(body)
            self.assertEqual(status, 400, (body, answer))
            self.assertTrue(answer["detail"].startswith(prefix), (body, answer))

    def test_a_delivery_waits_through_quiet_hours_and_the_stream_stays_live(self):
        # A UTC+05:30 window around the current time there: quiet now.
        window = dict(window_around_now(330), timezone="UTC+05:30")
        status, body = self.settings({"quiet_hours": window})
        self.assertEqual(status, 200, body)
        self.assertIsNotNone(body["quiet_until"])
        status, ch = self.server.api("POST", "/api/v1/channels",
                                     {"type": "webhook", "url": self.receiver.url("hook")}, token=self.alice)
        self.assertEqual(status, 201, ch)
        self.receiver.secrets["hook"] = ch["secret"]
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": 150}, "channels": [ch["id"]]},
            token=self.alice)
        self.assertEqual(status, 201, alert)
        with self.server.stream(token=self.alice) as stream:
            stream.next_block()  # the stream's opening
            self.server.push(self.ops, 149, 151)
            event = stream.next_event("notification")
        notification = int(event["id"])
        path = f"/api/v1/notifications/{notification}/deliveries"

        def held():
            [row] = self.server.api("GET", path, token=self.alice)[1]["items"]
            return row if row["status"] == "pending" and row["next_attempt_at"] >= body["quiet_until"][:16] else None
        row = self.server.wait_for(held, what="a delivery held until the window ends")
        self.assertEqual(row["attempts"], 0)
        self.assertEqual(self.receiver.requests("hook"), [])

        # The hold is in the store: a crash and restart keep it.
        self.server.kill9()
        self.server.start()
        self.assertEqual(self.server.api("GET", path, token=self.alice)[1]["items"][0]["status"], "pending")
        self.assertEqual(self.receiver.requests("hook"), [])

        status, cleared = self.settings({"quiet_hours": None})
        self.assertEqual((status, cleared["quiet_hours"]), (200, None))
        self.receiver.wait_for(lambda r: r.requests("hook"), what="the released webhook")
        self.assertTrue(self.receiver.requests("hook")[0]["valid"])
        self.server.wait_for(
            lambda: self.server.api("GET", path, token=self.alice)[1]["items"][0]["status"] == "delivered",
            what="delivered")

    def test_outside_quiet_hours_deliveries_go_at_once(self):
        window = dict(window_around_now(-720), timezone="UTC")  # twelve hours away
        self.assertEqual(self.settings({"quiet_hours": window})[0], 200)
        status, ch = self.server.api("POST", "/api/v1/channels",
                                     {"type": "webhook", "url": self.receiver.url("now")}, token=self.alice)
        self.assertEqual(status, 201)
        self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": 150}, "channels": [ch["id"]]},
            token=self.alice)
        self.server.push(self.ops, 149, 151)
        self.receiver.wait_for(lambda r: r.requests("now"), what="the webhook")


if __name__ == "__main__":
    unittest.main()
