"""`event: alert` on the owner's stream through the real binary: an alert that
is paused, resumed, edited, fired or expires is announced to its owner only."""
import datetime
import json
import unittest

from harness import BellwetherServer


class AlertEventsTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")
        self.bob = self.server.create_user("bob")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def create(self, **fields):
        body = {"symbol": "TEST", "condition": {"type": "crossing_up", "price": 150}}
        body.update(fields)
        status, alert = self.server.api("POST", "/api/v1/alerts", body, token=self.alice)
        self.assertEqual(status, 201, alert)
        return alert

    def alert_event(self, stream):
        return json.loads(stream.next_event("alert")["data"])

    def test_pause_resume_edit_and_fire_are_announced_to_the_owner(self):
        alert = self.create()
        path = f"/api/v1/alerts/{alert['id']}"
        with self.server.stream(token=self.alice) as mine, self.server.stream(token=self.bob) as theirs:
            mine.next_block()
            theirs.next_block()
            self.assertEqual(self.server.api("POST", path + "/pause", token=self.alice)[0], 200)
            event = self.alert_event(mine)
            self.assertEqual((event["change"], event["alert"]["id"], event["alert"]["state"]),
                             ("paused", alert["id"], "paused"))
            self.assertEqual(self.server.api("POST", path + "/resume", token=self.alice)[0], 200)
            event = self.alert_event(mine)
            self.assertEqual((event["change"], event["alert"]["state"]), ("resumed", "armed"))
            status, _ = self.server.api("PATCH", path, {"name": "Breakout"}, token=self.alice)
            self.assertEqual(status, 200)
            event = self.alert_event(mine)
            self.assertEqual((event["change"], event["alert"]["name"]), ("edited", "Breakout"))
            self.server.push(self.ops, 149, 151)
            event = self.alert_event(mine)
            self.assertEqual((event["change"], event["alert"]), ("triggered", {"id": alert["id"],
                                                                               "state": "triggered"}))
            [notification] = self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]
            self.assertEqual(event["notification_id"], notification["id"])
            # Bob's stream heard none of it: the first alert event there is his own.
            status, his = self.server.api("POST", "/api/v1/alerts", {
                "symbol": "TEST", "condition": {"type": "above", "price": 900}}, token=self.bob)
            self.assertEqual(status, 201)
            self.server.api("POST", f"/api/v1/alerts/{his['id']}/pause", token=self.bob)
            self.assertEqual(self.alert_event(theirs)["alert"]["id"], his["id"])

    def test_an_expiry_is_announced_when_it_happens(self):
        soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
        alert = self.create(expires_at=soon.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")
        with self.server.stream(token=self.alice) as mine:
            mine.next_block()
            event = self.alert_event(mine)
            self.assertEqual(event, {"change": "expired", "alert": {"id": alert["id"], "state": "expired"}})
        status, stored = self.server.api("GET", f"/api/v1/alerts/{alert['id']}", token=self.alice)
        self.assertEqual(stored["state"], "expired")

    def test_a_refused_edit_announces_nothing(self):
        alert = self.create()
        with self.server.stream(token=self.alice) as mine:
            mine.next_block()
            status, _ = self.server.api("PATCH", f"/api/v1/alerts/{alert['id']}",
                                        {"message_template": "{{bad}}"}, token=self.alice)
            self.assertEqual(status, 400)
            self.assertEqual(self.server.api("POST", f"/api/v1/alerts/{alert['id']}/pause",
                                             token=self.alice)[0], 200)
            self.assertEqual(self.alert_event(mine)["change"], "paused")


if __name__ == "__main__":
    unittest.main()
