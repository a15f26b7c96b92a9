"""Ingest through the real binary: a replay file with bad rows, the tcp_ndjson
listener (bad lines skipped, connection kept), NDJSON on the push API, the
admin-only GET /api/v1/sources, per-source metrics, and an overload flood
through tcp_ndjson that must still fire the alert it crossed."""
import os
import socket
import unittest

from harness import BellwetherServer, free_port
from prometheus_text import parse as parse_metrics
from test_openapi import check as check_schema


def sources_of(server, token):
    status, body = server.api("GET", "/api/v1/sources", token=token)
    assert status == 200, (status, body)
    return {s["name"]: s for s in body["sources"]}, body["hub"]


def sample(families, name, **labels):
    for sample_name, sample_labels, value in families[name]["samples"]:
        if sample_name == name and sample_labels == labels:
            return value
    raise AssertionError(f"no sample {name}{labels}")


def send_lines(port, lines):
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(("\n".join(lines) + "\n").encode())


class ReplayTest(unittest.TestCase):
    def test_a_replay_file_plays_its_good_rows_and_counts_the_bad_ones(self):
        server = BellwetherServer()
        ticks = os.path.join(server.data_dir, "ticks.csv")
        with open(ticks, "w") as f:
            f.write("ts,symbol,price,volume\n"
                    "2025-11-26T14:30:00Z,TEST,149.50,100\n"
                    "2025-11-26T14:30:01Z,TEST,not-a-price,100\n"
                    "2025-11-26T14:30:02Z,TEST,150.25,100\n"
                    "2025-11-26T14:30:03Z,TEST,-5,100\n")
        server.write_config(
            '[[sources]]\nname = "day"\ntype = "replay"\npath = "ticks.csv"\nspeed = "max"\n'
            'stale_after = "1m"\n')
        with server:
            ops = server.create_user("ops", admin=True)
            sources, _ = server.wait_for(
                lambda: (lambda s: s if s[0]["day"]["state"] == "down" else None)(sources_of(server, ops)),
                what="the replay to finish")
            day = sources["day"]
            self.assertEqual(day["type"], "replay")
            self.assertEqual(day["rejected"], 2)
            self.assertEqual(day["rejected_by_reason"],
                             {"price: must be a number": 1, "price: must be greater than zero": 1})
            self.assertEqual(day["last_error"], "finished: 2 quotes in 1 pass(es), 2 rows skipped")
            self.assertEqual(day["accepted"], 2)
            status, quote = server.api("GET", "/api/v1/quotes/TEST", token=ops)
            self.assertEqual((status, quote["price"], quote["ts"]), (200, 150.25, "2025-11-26T14:30:02.000Z"))
            log = server.read_log()
            self.assertIn("skipped line 3: price: must be a number", log)
            self.assertIn("skipped line 5: price: must be greater than zero", log)


class TcpNdjsonTest(unittest.TestCase):
    def setUp(self):
        self.port = free_port()
        self.server = BellwetherServer(
            sources=f'[[sources]]\nname = "desk"\ntype = "tcp_ndjson"\nlisten = "127.0.0.1:{self.port}"\n'
                    'max_line_bytes = "1KiB"\naliases = { "BRK-B" = "BRK.B" }\n').start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def quote(self, symbol):
        return self.server.api("GET", f"/api/v1/quotes/{symbol}", token=self.alice)

    def test_lines_become_quotes_and_bad_lines_are_skipped_on_a_kept_connection(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=15) as s:
            s.sendall(b'{"symbol":"aapl","price":228.5,"volume":3}\n'
                      b'this is not json\n'
                      b'{"symbol":"AAPL","price":1,"bid":2,"ask":1}\n'
                      b'{"symbol":"BRK-B","price":462.7}\n'
                      + b"x" * 2000 + b"\n")
            self.server.wait_for(lambda: self.quote("BRK.B")[0] == 200, what="the aliased quote")
            s.sendall(b'{"symbol":"AAPL","price":229}\n')  # the same connection still works
            self.server.wait_for(lambda: self.quote("AAPL")[1].get("price") == 229, what="AAPL 229")
        sources, hub = sources_of(self.server, self.ops)
        desk = sources["desk"]
        self.assertEqual(desk["type"], "tcp_ndjson")
        self.assertEqual(desk["state"], "live")
        self.assertEqual(desk["rejected_by_reason"], {
            "malformed JSON": 1, "bid: must not be above ask": 1, "line: longer than max_line_bytes": 1})
        self.assertEqual(desk["accepted"], 3)
        self.assertIsNotNone(desk["last_message_at"])
        self.assertEqual(hub["by_source"]["desk"]["accepted"], 3)
        self.assertIn("queue_depth", hub)
        self.assertIn("queue_capacity", hub)

    def test_the_sources_answer_matches_its_openapi_schema(self):
        send_lines(self.port, ['{"symbol":"AAPL","price":1}', "{bad"])
        self.server.wait_for(lambda: sources_of(self.server, self.ops)[0]["desk"]["rejected"] == 1,
                             what="the rejection")
        status, doc = self.server.api("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        status, body = self.server.api("GET", "/api/v1/sources", token=self.ops)
        schema = doc["paths"]["/api/v1/sources"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        check_schema(doc, schema, body)
        self.assertIn("push", body["hub"]["by_source"])

    def test_sources_is_for_admins_only(self):
        status, body = self.server.api("GET", "/api/v1/sources", token=self.alice)
        self.assertEqual(status, 403)
        self.assertEqual(self.server.api("GET", "/api/v1/sources")[0], 401)

    def test_metrics_show_each_sources_state_and_rejections(self):
        send_lines(self.port, ["{oops"])
        self.server.wait_for(lambda: sources_of(self.server, self.ops)[0]["desk"]["rejected"] == 1,
                             what="the rejection")
        status, _, text = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        families = parse_metrics(text)
        self.assertEqual(sample(families, "bellwether_source_state", source="desk", state="live"), 1)
        self.assertEqual(sample(families, "bellwether_source_state", source="desk", state="down"), 0)
        self.assertEqual(sample(families, "bellwether_source_rejected_total", source="desk",
                                reason="malformed JSON"), 1)

    def test_a_flood_past_a_threshold_and_back_still_fires_the_alert(self):
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "FLOOD", "condition": {"type": "crossing_up", "price": 150},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201, alert)
        # A burst far faster than one engine step per quote: 100k ticks around
        # 100, one of them at 151 in the middle, then back under the threshold.
        lines = []
        for i in range(100000):
            price = 151 if i == 50000 else 100 + (i % 7) * 0.01
            lines.append('{"symbol":"FLOOD","price":%s,"seq":%d}' % (price, i + 1))
        send_lines(self.port, lines)
        self.server.wait_for(
            lambda: sources_of(self.server, self.ops)[1]["by_source"]["desk"]["accepted"] == 100000,
            what="every tick accepted")
        notes = self.server.wait_for(
            lambda: self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"],
            what="the notification of the merged-away spike")
        self.assertEqual(len(notes), 1)
        self.assertIn("FLOOD crossed above 150.00", notes[0]["message"])
        status, quote = self.server.api("GET", "/api/v1/quotes/FLOOD", token=self.alice)
        self.assertLess(quote["price"], 150)


class NdjsonPushTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def push(self, text, content_type="application/x-ndjson"):
        status, _, body = self.server.request("POST", "/api/v1/quotes", raw=text.encode(), token=self.ops,
                                              headers={"Content-Type": content_type})
        return status, body

    def test_ndjson_quotes_are_accepted_one_per_line(self):
        status, body = self.push('{"symbol":"NDJ","price":10}\n\n{"symbol":"NDJ","price":11.5,"volume":2}\n')
        self.assertEqual((status, body), (202, '{"accepted":2}'))
        self.server.wait_for(lambda: self.server.api("GET", "/api/v1/quotes/NDJ", token=self.ops)[1]
                             .get("price") == 11.5, what="the last NDJSON quote")

    def test_one_bad_line_refuses_the_whole_body_naming_each_line(self):
        status, body = self.push('{"symbol":"BAD","price":10}\n{"symbol":"BAD","price":-1}\n{"symbol":"BAD"}\n')
        self.assertEqual(status, 400)
        self.assertIn("[line 2] price: must be greater than zero; [line 3] price: is required", body)
        self.assertEqual(self.server.api("GET", "/api/v1/quotes/BAD", token=self.ops)[0], 404)

    def test_other_content_types_are_refused(self):
        status, body = self.push('{"symbol":"X","price":1}', content_type="text/plain")
        self.assertEqual(status, 415)
        self.assertIn("application/x-ndjson", body)


if __name__ == "__main__":
    unittest.main()
