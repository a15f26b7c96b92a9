"""The event stream's quotes follow the user's server-side watchlist (issue 5):
only watched symbols (every symbol while the list is empty), live changes
without reconnecting, conflation for a slow reader while notifications are
never dropped, and a clear 4xx for a bad watchlist."""
import json
import socket
import time
import unittest

from harness import BellwetherServer, SseClient, TIMEOUT


def quote_symbols(client, count):
    """The symbols of the next `count` quote events."""
    return [json.loads(client.next_event("quote")["data"])["symbol"] for _ in range(count)]


class WatchlistRoutesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BellwetherServer().start()
        cls.alice = cls.server.create_user("alice")
        cls.bob = cls.server.create_user("bob")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.tmp.cleanup()

    def test_put_normalises_deduplicates_and_get_returns_the_list(self):
        status, body = self.server.api("PUT", "/api/v1/watchlist",
                                       {"symbols": ["aapl", "MSFT", "AAPL"]}, token=self.alice)
        self.assertEqual((status, body), (200, {"symbols": ["AAPL", "MSFT"]}))
        self.assertEqual(self.server.api("GET", "/api/v1/watchlist", token=self.alice),
                         (200, {"symbols": ["AAPL", "MSFT"]}))

    def test_each_user_sees_only_their_own_list(self):
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": ["ONLY.A"]}, token=self.alice)
        status, body = self.server.api("GET", "/api/v1/watchlist", token=self.bob)
        self.assertEqual(status, 200)
        self.assertNotIn("ONLY.A", body["symbols"])

    def test_bad_input_names_the_field_and_changes_nothing(self):
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": ["KEEP"]}, token=self.alice)
        cases = [
            ({"symbols": ["OK", "not ok"]}, "symbols[1]"),
            ({"symbols": "AAPL"}, "symbols"),
            ({"symbols": [f"S{i}" for i in range(101)]}, "at most 100"),
            ({"symbols": [], "extra": 1}, "extra"),
            ({}, "symbols: is required"),
        ]
        for body, expected in cases:
            status, problem = self.server.api("PUT", "/api/v1/watchlist", body, token=self.alice)
            self.assertEqual(status, 400, body)
            self.assertIn(expected, problem["detail"])
        status, problem = self.server.api("POST", "/api/v1/watchlist", {"symbol": 5},
                                          token=self.alice)
        self.assertEqual(status, 400)
        self.assertIn("symbol", problem["detail"])
        self.assertEqual(self.server.api("GET", "/api/v1/watchlist", token=self.alice)[1],
                         {"symbols": ["KEEP"]})

    def test_post_appends_and_delete_removes(self):
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": ["A1"]}, token=self.alice)
        self.assertEqual(self.server.api("POST", "/api/v1/watchlist", {"symbol": "b2"},
                                         token=self.alice), (200, {"symbols": ["A1", "B2"]}))
        status, _ = self.server.api("DELETE", "/api/v1/watchlist/A1", token=self.alice)
        self.assertEqual(status, 204)
        status, _ = self.server.api("DELETE", "/api/v1/watchlist/A1", token=self.alice)
        self.assertEqual(status, 404)
        self.assertEqual(self.server.api("GET", "/api/v1/watchlist", token=self.alice)[1],
                         {"symbols": ["B2"]})

    def test_a_full_list_refuses_another_symbol(self):
        self.server.api("PUT", "/api/v1/watchlist",
                        {"symbols": [f"F{i}" for i in range(100)]}, token=self.bob)
        status, problem = self.server.api("POST", "/api/v1/watchlist", {"symbol": "EXTRA"},
                                          token=self.bob)
        self.assertEqual(status, 409)
        self.assertIn("100", problem["detail"])
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": []}, token=self.bob)

    def test_without_a_token_the_watchlist_is_401(self):
        self.assertEqual(self.server.api("GET", "/api/v1/watchlist")[0], 401)


class StreamQuotesTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.stop()
        self.server.tmp.cleanup()

    def test_a_stream_carries_only_watched_symbols(self):
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": ["WAT"]}, token=self.alice)
        with self.server.stream(self.alice) as stream:
            for price in (1, 2, 3):
                self.server.push(self.ops, price, symbol="NOPE")
                self.server.push(self.ops, price, symbol="WAT")
            # Every quote that arrives is WAT; the last one is the latest price.
            latest = None
            while latest != 3:
                block = json.loads(stream.next_event("quote")["data"])
                self.assertEqual(block["symbol"], "WAT")
                latest = block["price"]

    def test_an_empty_watchlist_carries_every_symbol(self):
        with self.server.stream(self.alice) as stream:
            self.server.push(self.ops, 1, symbol="ONE")
            self.assertEqual(quote_symbols(stream, 1), ["ONE"])
            self.server.push(self.ops, 1, symbol="TWO")
            self.assertEqual(quote_symbols(stream, 1), ["TWO"])

    def test_watchlist_changes_apply_to_an_open_stream(self):
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": ["OLD"]}, token=self.alice)
        with self.server.stream(self.alice) as stream:
            self.server.push(self.ops, 1, symbol="OLD")
            self.assertEqual(quote_symbols(stream, 1), ["OLD"])
            self.server.api("POST", "/api/v1/watchlist", {"symbol": "NEW"}, token=self.alice)
            self.server.api("DELETE", "/api/v1/watchlist/OLD", token=self.alice)
            self.server.push(self.ops, 2, symbol="OLD")
            self.server.push(self.ops, 2, symbol="NEW")
            self.assertEqual(quote_symbols(stream, 1), ["NEW"])

    def test_a_slow_reader_gets_merged_quotes_and_every_notification(self):
        self.server.api("PUT", "/api/v1/watchlist", {"symbols": ["SLOW"]}, token=self.alice)
        for price in range(101, 111):
            status, _ = self.server.api("POST", "/api/v1/alerts", {
                "symbol": "SLOW", "condition": {"type": "crossing_up", "price": price},
                "trigger": {"mode": "once"}}, token=self.alice)
            self.assertEqual(status, 201)
        self.server.push(self.ops, 100, symbol="SLOW")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)   # before connect
        sock.connect(("127.0.0.1", self.server.stream_port))
        stream = SseClient.__new__(SseClient)
        stream.sock = sock
        # The client sends its request, then does not read while 200 quotes
        # and 10 crossings are pushed.
        sock.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     f"{self.alice}\r\n\r\n".encode())
        time.sleep(0.2)
        prices = [100 + i * 0.1 for i in range(1, 201)] + [111]
        for start in range(0, len(prices), 20):
            status, _ = self.server.api(
                "POST", "/api/v1/quotes",
                [{"symbol": "SLOW", "price": p} for p in prices[start:start + 20]], token=self.ops)
            self.assertEqual(status, 202)
        sock.settimeout(TIMEOUT)
        stream.buffer = b""
        head = stream._read_until(b"\r\n\r\n", time.monotonic() + TIMEOUT)
        self.assertTrue(head.startswith(b"HTTP/1.1 200"))
        stream.chunked = False
        stream.text = ""
        notifications, quotes = set(), []
        while len(notifications) < 10:
            block = stream.next_block()
            if block.get("event") == "notification":
                notifications.add(json.loads(block["data"])["alert_id"])
            elif block.get("event") == "quote":
                quotes.append(json.loads(block["data"])["price"])
        while not quotes or quotes[-1] != 111:
            block = stream.next_event("quote")
            quotes.append(json.loads(block["data"])["price"])
        self.assertEqual(len(notifications), 10)
        self.assertLess(len(quotes), len(prices))   # merged, not a backlog
        stream.close()


if __name__ == "__main__":
    unittest.main()
