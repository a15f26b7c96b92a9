"""Lifecycle of the real binary: graceful shutdown under load loses nothing
that was accepted or committed; online backup and the database check."""
import os
import signal
import sqlite3
import threading
import unittest

import prometheus_text
from harness import BellwetherServer

THRESHOLDS = list(range(100, 200))


class ShutdownTest(unittest.TestCase):
    def test_shutdown_under_load_loses_no_accepted_quote_and_no_committed_notification(self):
        server = BellwetherServer().start()
        try:
            ops = server.create_user("ops", admin=True)
            alice = server.create_user("alice")
            for price in THRESHOLDS:
                status, _ = server.api("POST", "/api/v1/alerts", {
                    "symbol": "LOAD", "condition": {"type": "crossing_up", "price": price},
                    "trigger": {"mode": "once"}}, token=alice)
                self.assertEqual(status, 201)
            server.push(ops, 99, symbol="LOAD")
            accepted = []          # prices answered 202, in order
            streamed = set()       # notification ids delivered before the shutdown
            stop_pushing = threading.Event()

            def push_rising_prices():
                price = 99.5
                while not stop_pushing.is_set():
                    price += 1
                    try:
                        status, _ = server.api("POST", "/api/v1/quotes",
                                               [{"symbol": "LOAD", "price": price}], token=ops)
                    except OSError:
                        return  # the server closed its listener
                    if status != 202:
                        return
                    accepted.append(price)

            with server.stream(alice) as events:
                pusher = threading.Thread(target=push_rising_prices)
                pusher.start()
                server.wait_for(lambda: len(accepted) >= 30, what="30 accepted quotes")
                for _ in range(5):
                    streamed.add(int(events.next_event("notification")["id"]))
                status, _, text = server.request("GET", "/metrics")
                committed_before = prometheus_text.value(
                    prometheus_text.parse(text), "bellwether_notifications_committed_total")
                server.process.send_signal(signal.SIGTERM)
                self.assertEqual(server.process.wait(timeout=20), 0)
                stop_pushing.set()
                pusher.join()
            server.stop()
            self.assertIn("shutting down: draining the engine", server.read_log())

            server.start()
            status, body = server.api("GET", "/api/v1/notifications?limit=500", token=alice)
            self.assertEqual(status, 200)
            stored = {n["id"] for n in body["items"]}
            self.assertTrue(streamed <= stored, streamed - stored)
            self.assertGreaterEqual(len(stored), committed_before)
            # Every accepted quote reached the engine before it stopped: each
            # threshold below the highest accepted price fired, exactly once.
            top = max(accepted)
            fired = sorted(n["alert_id"] for n in body["items"])
            self.assertEqual(len(fired), len(set(fired)))
            self.assertGreaterEqual(len(fired), sum(1 for t in THRESHOLDS if t < top))
        finally:
            server.__exit__(None, None, None)


class DatabaseCommandsTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def test_online_backup_holds_the_committed_notification(self):
        status, _ = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": 150},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201)
        self.server.push(self.ops, 149, 151)
        self.server.wait_for(lambda: self.server.api("GET", "/api/v1/notifications",
                                                     token=self.alice)[1]["items"], what="a notification")
        backup = os.path.join(self.server.data_dir, "backup.db")
        result = self.server.cli("db", "backup", backup)  # while the server runs
        self.assertIn("backed up", result.stdout)
        with sqlite3.connect(backup) as copy:
            self.assertEqual(copy.execute("SELECT COUNT(*) FROM notifications").fetchone()[0], 1)
        again = self.server.cli("db", "backup", backup, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already exists", again.stderr)
        check = self.server.cli("db", "check", "--set", f"storage.path={backup}")
        self.assertIn("integrity ok", check.stdout)

    def test_check_reports_a_damaged_database(self):
        damaged = os.path.join(self.server.data_dir, "damaged.db")
        with open(damaged, "wb") as f:
            f.write(b"SQLite format 3\0" + b"\xff" * 4080)
        result = self.server.cli("db", "check", "--set", f"storage.path={damaged}", check=False)
        self.assertEqual(result.returncode, 1)

    def test_check_of_a_healthy_database_reports_the_schema_version(self):
        result = self.server.cli("db", "check")
        self.assertRegex(result.stdout, r"schema version (\d+) \(this binary: \1\)")
        self.assertIn("integrity ok", result.stdout)


DMA_LATENCY = "/dev/cpu_dma_latency"


def holds_dma_latency(pid):
    """Whether process `pid` has the CPU wake-up latency device open."""
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, fd)) == DMA_LATENCY:
                return True
        except OSError:
            pass  # closed while we looked
    return False


class KeepCpusAwakeTest(unittest.TestCase):
    def test_the_server_holds_the_wakeup_latency_request_only_when_asked(self):
        plain = BellwetherServer().start()
        try:
            self.assertFalse(holds_dma_latency(plain.process.pid))
        finally:
            plain.stop()

        server = BellwetherServer(extra_config="keep_cpus_awake = true\n").start()
        try:
            pid = server.process.pid
            self.assertEqual(server.request("GET", "/healthz")[0], 200)
            if os.access(DMA_LATENCY, os.W_OK):
                self.assertTrue(holds_dma_latency(pid))
                self.assertIn("engine.keep_cpus_awake: holding /dev/cpu_dma_latency at 0 us",
                              server.read_log())
            else:  # without the right to write it: said once, and the server still serves
                self.assertFalse(holds_dma_latency(pid))
                self.assertIn("engine.keep_cpus_awake: cannot hold the CPUs awake",
                              server.read_log())
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
