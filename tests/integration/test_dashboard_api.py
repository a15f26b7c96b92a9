"""The API the dashboard's pages need, through the real binary: candles per
symbol (GET /api/v1/quotes/{symbol}/bars), cursor pagination on every list,
notification history filters, and channel test messages that go through the
real outbox (signed, recorded, retried)."""
import json
import time
import unittest
from datetime import datetime, timedelta, timezone

from harness import BellwetherServer
from webhook_receiver import WebhookReceiver

CONFIG = (
    "[delivery]\n"
    "allowed_private_addresses = [\"127.0.0.1\"]\n"
    "retry_schedule = [\"10m\"]\n"
    "retry_jitter = 0.0\n"
    "timeout = \"2s\"\n"
)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class DashboardApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver().__enter__()
        cls.server = BellwetherServer(extra_config=CONFIG).start()
        cls.ops = cls.server.create_user("ops", admin=True)
        cls.alice = cls.server.create_user("alice")
        cls.bob = cls.server.create_user("bob")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.receiver.__exit__(None, None, None)

    def api(self, method, path, body=None, token=None, expect=None):
        status, value = self.server.api(method, path, body, token=token or self.alice)
        if expect is not None:
            self.assertEqual(status, expect, value)
        return status, value

    def pages(self, path, limit, token=None):
        """Every page of a list: the ids of each page in order."""
        seen, cursor = [], None
        for _ in range(100):
            sep = "&" if "?" in path else "?"
            query = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            _, page = self.api("GET", query, token=token, expect=200)
            self.assertIn("next_cursor", page)
            self.assertLessEqual(len(page["items"]), limit)
            seen.append([item["id"] for item in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                return seen
            self.assertIsInstance(cursor, str)
        self.fail("pagination did not end")

    # --- candles -------------------------------------------------------------

    def test_bars_are_built_from_pushed_quotes_at_each_interval(self):
        now = datetime.now(timezone.utc).replace(second=30, microsecond=0)
        quotes = []
        for minute, (o, h, l, c) in enumerate([(10, 12, 9, 11), (11, 11.5, 10.5, 11.25), (11.25, 13, 11, 12.5)]):
            start = now - timedelta(minutes=3 - minute)
            for i, price in enumerate([o, h, l, c]):
                quotes.append({"symbol": "BARS", "price": price, "volume": 1, "ts": iso(start + timedelta(seconds=i))})
        self.api("POST", "/api/v1/quotes", quotes, token=self.ops, expect=202)
        body = self.server.wait_for(
            lambda: (lambda v: v if len(v["items"]) == 3 else None)(self.api("GET", "/api/v1/quotes/BARS/bars?interval=1m")[1]),
            what="three 1-minute bars")
        self.assertEqual(body["symbol"], "BARS")
        self.assertEqual(body["interval"], "1m")
        first = body["items"][0]
        self.assertEqual((first["open"], first["high"], first["low"], first["close"], first["volume"]), (10, 12, 9, 11, 4))
        self.assertEqual(first["time"] % 60, 0)
        self.assertEqual([b["close"] for b in body["items"]], [11, 11.25, 12.5])
        times = [b["time"] for b in body["items"]]
        self.assertEqual(times, sorted(times))
        # 5-second bars: each minute's four ticks are within 4 s, so at most two per minute.
        _, fine = self.api("GET", "/api/v1/quotes/bars/bars?interval=5s", expect=200)   # symbols are case-folded
        self.assertGreaterEqual(len(fine["items"]), 3)
        self.assertEqual(sum(b["volume"] for b in fine["items"]), 12)
        _, hourly = self.api("GET", "/api/v1/quotes/BARS/bars?interval=1h", expect=200)
        self.assertEqual(sum(b["volume"] for b in hourly["items"]), 12)
        self.assertEqual(hourly["items"][-1]["close"], 12.5)
        _, last = self.api("GET", "/api/v1/quotes/BARS/bars?interval=1m&limit=1", expect=200)
        self.assertEqual(len(last["items"]), 1)
        self.assertEqual(last["items"][0]["close"], 12.5)
        _, none = self.api("GET", "/api/v1/quotes/NOPE/bars", expect=200)
        self.assertEqual(none["items"], [])

    def test_bad_bar_requests_name_the_parameter(self):
        for query, field in [("interval=2m", "interval"), ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit")]:
            status, problem = self.api("GET", f"/api/v1/quotes/AAPL/bars?{query}")
            self.assertEqual(status, 400, query)
            self.assertTrue(problem["detail"].startswith(f"{field}:"), problem)
        status, _ = self.server.api("GET", "/api/v1/quotes/AAPL/bars")
        self.assertEqual(status, 401)

    # --- pagination ----------------------------------------------------------

    def test_every_list_pages_by_cursor_without_gaps_or_repeats(self):
        carol = self.server.create_user("carol")
        for i in range(7):
            self.api("POST", "/api/v1/alerts", {"symbol": f"P{i}", "condition": {"type": "above", "price": 1000}}, token=carol, expect=201)
            self.api("POST", "/api/v1/tokens", {"label": f"t{i}"}, token=carol, expect=201)
            self.api("POST", "/api/v1/channels", {"type": "webhook", "url": self.receiver.url(f"p{i}")}, token=carol, expect=201)
        for path, token, expected in [("/api/v1/alerts", carol, 7), ("/api/v1/channels", carol, 7),
                                      ("/api/v1/tokens", carol, 8), ("/api/v1/users", self.ops, None)]:
            _, everything = self.api("GET", f"{path}?limit=500", token=token, expect=200)
            self.assertIsNone(everything["next_cursor"])
            all_ids = [item["id"] for item in everything["items"]]
            if expected is not None:
                self.assertEqual(len(all_ids), expected, path)
            pages = self.pages(path, 3, token=token)
            self.assertEqual([i for page in pages for i in page], all_ids, path)
            self.assertTrue(all(len(page) == 3 for page in pages[:-1]), pages)
        # A new item does not shift the pages already handed out.
        _, first = self.api("GET", "/api/v1/alerts?limit=3", token=carol, expect=200)
        self.api("POST", "/api/v1/alerts", {"symbol": "NEW", "condition": {"type": "above", "price": 1000}}, token=carol, expect=201)
        _, second = self.api("GET", f"/api/v1/alerts?limit=3&cursor={first['next_cursor']}", token=carol, expect=200)
        self.assertEqual(second["items"][0]["id"], first["items"][-1]["id"] + 1)

    def test_bad_limit_or_cursor_is_a_400_naming_it(self):
        for path in ["/api/v1/alerts", "/api/v1/channels", "/api/v1/tokens", "/api/v1/notifications"]:
            for query, field in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=two", "limit"),
                                 ("cursor=abc", "cursor"), ("cursor=-3", "cursor")]:
                status, problem = self.api("GET", f"{path}?{query}")
                self.assertEqual(status, 400, f"{path}?{query}")
                self.assertTrue(problem["detail"].startswith(f"{field}:"), problem)
        # A non-admin is refused the users list before its parameters are looked at.
        status, _ = self.api("GET", "/api/v1/users?limit=0")
        self.assertEqual(status, 403)

    def test_alert_pages_survive_a_deleted_cursor_and_refuse_tampered_ones(self):
        erin = self.server.create_user("erin")
        ids = [self.api("POST", "/api/v1/alerts", {"symbol": f"K{i}", "condition": {"type": "above", "price": 1000}},
                        token=erin, expect=201)[1]["id"] for i in range(4)]
        _, first = self.api("GET", "/api/v1/alerts?limit=2", token=erin, expect=200)
        self.assertEqual([a["id"] for a in first["items"]], ids[:2])
        self.assertEqual(first["next_cursor"], str(ids[1]))
        self.api("DELETE", f"/api/v1/alerts/{ids[1]}", token=erin, expect=204)
        _, second = self.api("GET", f"/api/v1/alerts?limit=2&cursor={first['next_cursor']}", token=erin, expect=200)
        self.assertEqual([a["id"] for a in second["items"]], ids[2:])
        self.assertIsNone(second["next_cursor"])   # an exact page boundary: no empty extra page
        _, past = self.api("GET", "/api/v1/alerts?limit=2&cursor=999999999", token=erin, expect=200)
        self.assertEqual(past, {"items": [], "next_cursor": None})
        for tampered in [f"{ids[0]}x", "1e3", "0", "%20" + str(ids[0]), "99999999999999999999999"]:
            status, problem = self.api("GET", f"/api/v1/alerts?cursor={tampered}", token=erin)
            self.assertEqual(status, 400, tampered)
            self.assertTrue(problem["detail"].startswith("cursor:"), problem)

    def test_notifications_page_newest_first_and_filter_on_the_server(self):
        dave = self.server.create_user("dave")
        _, a = self.api("POST", "/api/v1/alerts", {"symbol": "FA", "condition": {"type": "above", "price": 5},
                                                    "trigger": {"mode": "every_time"}}, token=dave, expect=201)
        _, b = self.api("POST", "/api/v1/alerts", {"symbol": "FB", "condition": {"type": "above", "price": 5},
                                                    "trigger": {"mode": "every_time"}}, token=dave, expect=201)
        for i in range(4):
            self.server.push(self.ops, 6 + i, symbol="FA", one_by_one=True)
            self.server.push(self.ops, 6 + i, symbol="FB", one_by_one=True)
        self.server.wait_for(lambda: len(self.api("GET", "/api/v1/notifications?limit=500", token=dave)[1]["items"]) == 8,
                             what="eight notifications")
        _, everything = self.api("GET", "/api/v1/notifications?limit=500", token=dave, expect=200)
        ids = [n["id"] for n in everything["items"]]
        self.assertEqual(ids, sorted(ids, reverse=True))
        pages = self.pages("/api/v1/notifications", 3, token=dave)
        self.assertEqual([i for page in pages for i in page], ids)

        _, only_fa = self.api("GET", "/api/v1/notifications?symbol=fa&limit=500", token=dave, expect=200)
        self.assertEqual({n["symbol"] for n in only_fa["items"]}, {"FA"})
        self.assertEqual(len(only_fa["items"]), 4)
        _, only_b = self.api("GET", f"/api/v1/notifications?alert_id={b['id']}", token=dave, expect=200)
        self.assertEqual({n["alert_id"] for n in only_b["items"]}, {b["id"]})
        self.assertEqual(len(self.pages(f"/api/v1/notifications?alert_id={a['id']}", 3, token=dave)), 2)

        today = datetime.now(timezone.utc).date()
        _, since_today = self.api("GET", f"/api/v1/notifications?since={today.isoformat()}&limit=500", token=dave, expect=200)
        self.assertEqual(len(since_today["items"]), 8)
        tomorrow = (today + timedelta(days=1)).isoformat()
        _, none = self.api("GET", f"/api/v1/notifications?since={tomorrow}", token=dave, expect=200)
        self.assertEqual(none["items"], [])
        _, before = self.api("GET", f"/api/v1/notifications?until={today.isoformat()}T00:00:00Z", token=dave, expect=200)
        self.assertEqual(before["items"], [])
        for query, field in [("since=yesterday", "since"), ("until=2026-13-01", "until"), ("alert_id=x", "alert_id"),
                             ("symbol=a%20b", "symbol"), (f"since={tomorrow}&until={today.isoformat()}", "until")]:
            status, problem = self.api("GET", f"/api/v1/notifications?{query}", token=dave)
            self.assertEqual(status, 400, query)
            self.assertTrue(problem["detail"].startswith(field), problem)
        # Nobody else's notifications, whatever the filter.
        _, bobs = self.api("GET", f"/api/v1/notifications?alert_id={a['id']}", token=self.bob, expect=200)
        self.assertEqual(bobs["items"], [])

    # --- channel tests -----------------------------------------------------

    def test_a_channel_test_is_delivered_signed_through_the_outbox(self):
        _, channel = self.api("POST", "/api/v1/channels", {"type": "webhook", "url": self.receiver.url("test-ok")}, expect=201)
        self.receiver.secrets["test-ok"] = channel["secret"]
        status, sent = self.api("POST", f"/api/v1/channels/{channel['id']}/test", expect=202)
        self.assertEqual(sent["notification"]["alert_id"], 0)
        self.assertEqual(len(sent["deliveries"]), 1)
        self.assertEqual(sent["deliveries"][0]["channel_id"], channel["id"])
        self.receiver.wait_for(lambda r: r.requests("test-ok"), what="the test request")
        request = self.receiver.requests("test-ok")[0]
        self.assertTrue(request["valid"], "signed with the channel's secret")
        self.assertEqual(request["id"], str(sent["deliveries"][0]["id"]))
        body = json.loads(request["body"])
        self.assertEqual(body["type"], "channel.test")
        self.assertEqual(body["data"]["notification"]["message"], sent["notification"]["message"])
        delivered = self.server.wait_for(
            lambda: (lambda d: d if d[0]["status"] == "delivered" else None)(
                self.api("GET", f"/api/v1/notifications/{sent['notification']['id']}/deliveries")[1]["items"]),
            what="the delivery recorded")
        self.assertEqual(delivered[0]["last_status_code"], 200)
        # It shows in the history as a channel test (alert_id 0).
        _, tests = self.api("GET", "/api/v1/notifications?alert_id=0", expect=200)
        self.assertIn(sent["notification"]["id"], [n["id"] for n in tests["items"]])

    def test_a_failed_channel_test_is_recorded_and_can_be_retried(self):
        _, channel = self.api("POST", "/api/v1/channels", {"type": "webhook", "url": self.receiver.url("test-bad")}, expect=201)
        self.receiver.behave("test-bad", [503])
        _, sent = self.api("POST", f"/api/v1/channels/{channel['id']}/test", expect=202)
        path = f"/api/v1/notifications/{sent['notification']['id']}/deliveries"
        failed = self.server.wait_for(
            lambda: (lambda d: d if d[0]["status"] == "retrying" else None)(self.api("GET", path)[1]["items"]),
            what="the failed attempt")
        self.assertEqual(failed[0]["last_status_code"], 503)
        self.api("POST", f"/api/v1/deliveries/{failed[0]['id']}/retry", expect=202)
        self.server.wait_for(lambda: self.api("GET", path)[1]["items"][0]["status"] == "delivered", what="the retry")
        self.assertEqual(len(self.receiver.requests("test-bad")), 2)

    def test_only_the_owner_can_test_a_channel(self):
        _, channel = self.api("POST", "/api/v1/channels", {"type": "webhook", "url": self.receiver.url("mine")}, expect=201)
        status, problem = self.api("POST", f"/api/v1/channels/{channel['id']}/test", token=self.bob)
        self.assertEqual(status, 404, problem)
        status, _ = self.api("POST", "/api/v1/channels/999999/test")
        self.assertEqual(status, 404)
        status, _ = self.api("POST", "/api/v1/channels/abc/test")
        self.assertEqual(status, 404)
        time.sleep(0.2)
        self.assertEqual(self.receiver.requests("mine"), [])


if __name__ == "__main__":
    unittest.main()
