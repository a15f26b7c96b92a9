"""Test harness for integration tests: runs the real `bellwether` binary on free
loopback ports with a temporary data directory, and talks to it over HTTP and
SSE. Only 127.0.0.1 is ever contacted.

    with BellwetherServer() as server:
        alice = server.create_user("alice")          # returns an API token
        status, body = server.api("GET", "/api/v1/alerts", token=alice)
        with server.stream(alice) as events:
            events.next_event("notification")
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

BIN = os.environ.get("BELLWETHER_BIN", os.path.join(os.path.dirname(__file__), "../../build/app/bellwether"))
TIMEOUT = 15.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SseClient:
    """A blocking server-sent-events client on a raw socket."""

    def __init__(self, port, path, headers=None, tls=None):
        """`tls`: an ssl.SSLContext to speak HTTPS (verifying 127.0.0.1)."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        if tls is not None:
            self.sock = tls.wrap_socket(self.sock, server_hostname="127.0.0.1")
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/event-stream"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n", time.monotonic() + TIMEOUT)
        status_line, *header_lines = head.decode().split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                self.headers[name.strip().lower()] = value.strip()
        self.chunked = self.headers.get("transfer-encoding", "").lower() == "chunked"
        self.text = ""

    def _recv(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data before the deadline")
        self.sock.settimeout(remaining)
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("stream closed by server")
        self.buffer += data

    def _read_until(self, marker, deadline):
        while marker not in self.buffer:
            self._recv(deadline)
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _pump_body(self, deadline):
        """Moves decoded body bytes from the socket into self.text."""
        if not self.chunked:
            if not self.buffer:
                self._recv(deadline)
            self.text += self.buffer.decode()
            self.buffer = b""
            return
        while True:
            if b"\r\n" not in self.buffer:
                self._recv(deadline)
                continue
            size_line, rest = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                self._recv(deadline)
                continue
            self.text += rest[:size].decode()
            self.buffer = rest[size + 2:]
            return

    def next_block(self, timeout=TIMEOUT):
        """The next SSE block (event or comment) as a dict of field -> value."""
        deadline = time.monotonic() + timeout
        while "\n\n" not in self.text:
            self._pump_body(deadline)
        block, self.text = self.text.split("\n\n", 1)
        fields = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                fields.setdefault("comment", line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            fields[name] = fields[name] + "\n" + value if name in fields else value
        return fields

    def next_event(self, kind, timeout=TIMEOUT):
        """The next event of `kind` ("notification", "quote"), skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            block = self.next_block(max(0.01, deadline - time.monotonic()))
            if block.get("event") == kind:
                return block

    def events_until_heartbeat(self, kind, timeout=TIMEOUT):
        """Every `kind` event that arrives before the next heartbeat comment."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            block = self.next_block(max(0.01, deadline - time.monotonic()))
            if block.get("comment", "").startswith("heartbeat"):
                return seen
            if block.get("event") == kind:
                seen.append(block)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class BellwetherServer:
    """One server process with its own ports, data directory and config file."""

    def __init__(self, extra_config="", data_dir=None, sources="sources = []\n", tls=None):
        """`sources`: TOML for the sources (e.g. [[sources]] tables); none by default.
        `tls`: an ssl.SSLContext that trusts the server's CA, when its config sets [tls]."""
        self.tls = tls
        self.scheme = "https" if tls is not None else "http"
        self.tmp = None
        if data_dir is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="bw-it-")
            data_dir = self.tmp.name
        self.data_dir = data_dir
        self.web_port = free_port()
        self.stream_port = free_port()
        self.config = os.path.join(data_dir, "bellwether.toml")
        self.write_config(sources, extra_config)
        self.process = None
        self.first_output = ""

    def write_config(self, sources="sources = []\n", extra_config=""):
        """(Re)writes the config file: these ports and data directory, plus the given TOML."""
        with open(self.config, "w") as f:
            f.write(
                sources +
                f"[web]\nlisten = \"127.0.0.1:{self.web_port}\"\nmax_body_bytes = \"64KiB\"\n"
                f"[stream]\nlisten = \"127.0.0.1:{self.stream_port}\"\nheartbeat = \"300ms\"\n"
                "quote_interval = \"50ms\"\n"
                f"[storage]\npath = \"{self.data_dir}/bellwether.db\"\n"
                "[engine]\nprice_flush_interval = \"20ms\"\n" + extra_config
            )

    # --- process control ---------------------------------------------------
    def cli(self, *args, check=True):
        result = subprocess.run([BIN, *args, "--config", self.config], capture_output=True, text=True,
                                timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"bellwether {' '.join(args)} failed: {result.stderr}")
        return result

    def start(self):
        self.log = open(os.path.join(self.data_dir, "server.log"), "a+")
        self.process = subprocess.Popen([BIN, "serve", "--config", self.config], stdout=subprocess.PIPE,
                                        stderr=self.log, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("server exited early: " + self.read_log())
            try:
                with urllib.request.urlopen(f"{self.scheme}://127.0.0.1:{self.web_port}/healthz", timeout=1,
                                            context=self.tls) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server did not become healthy: " + self.read_log())

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("server did not stop within 20 s of " + str(sig))
        if self.process and self.process.stdout:
            self.first_output += self.process.stdout.read()
            self.process.stdout.close()
        if self.process:
            self.log.close()
        self.process = None

    def kill9(self):
        self.stop(signal.SIGKILL)

    def read_log(self):
        with open(os.path.join(self.data_dir, "server.log")) as f:
            return f.read()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self.tmp:
            self.tmp.cleanup()

    # --- accounts -----------------------------------------------------------
    def create_user(self, name, admin=False):
        self.cli("user", "add", name, *(["--admin"] if admin else []))
        return self.cli("token", "create", name).stdout.strip()

    # --- HTTP ---------------------------------------------------------------
    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        url = f"{self.scheme}://127.0.0.1:{self.web_port}{path}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT, context=self.tls) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def api(self, method, path, body=None, token=None, **kwargs):
        status, headers, text = self.request(method, path, body, token, **kwargs)
        return status, (json.loads(text) if text else None)

    def push(self, admin_token, *prices, symbol="TEST", one_by_one=False):
        """Pushes each price as its own request. With one_by_one, waits until the
        engine has taken each before the next: otherwise a busy machine may find
        the previous one still queued and merge them into one mini-bar (which
        fires an every_time alert once, not twice)."""
        for price in prices:
            status, body = self.api("POST", "/api/v1/quotes", [{"symbol": symbol, "price": price}],
                                    token=admin_token)
            assert status == 202, (status, body)
            if one_by_one:
                self.wait_for_engine_queue_empty()

    def engine_queue_depth(self):
        """The engine queue's depth from /metrics (a server without a metrics token)."""
        status, _, text = self.request("GET", "/metrics")
        assert status == 200, (status, text)
        for line in text.splitlines():
            if line.startswith("bellwether_engine_queue_depth "):
                return float(line.split()[1])
        raise AssertionError("no bellwether_engine_queue_depth sample in /metrics")

    def wait_for_engine_queue_empty(self):
        self.wait_for(lambda: self.engine_queue_depth() == 0, what="an empty engine queue")

    def stream(self, token=None, last_event_id=None, query=None):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        path = "/api/v1/events" + (f"?{query}" if query else "")
        return SseClient(self.stream_port, path, headers, tls=self.tls)

    def wait_for(self, predicate, timeout=TIMEOUT, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")
