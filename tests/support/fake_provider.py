#!/usr/bin/env python3
"""Fake market-data providers for tests, on 127.0.0.1 only, standard library only.

WebSocket providers (a small RFC 6455 server, plain or TLS) speak the documented
Finnhub, Alpaca v2 and Polygon frames; an HTTP provider answers Finnhub REST
quotes, Yahoo v8 charts and a generic JSON endpoint.

    python3 fake_provider.py --provider alpaca --key K --secret S \
        [--tls CERT KEY] [--scenario drop] [--prices 100,105,110] [--record FILE]

prints "PORT <n>" on stdout once listening, then serves until killed. Every
message a client sends (and every HTTP request) is appended to --record as a
JSON line {"conn": n, "msg": ...}.

Scenarios:
  normal            authenticate, subscribe, then stream trades every 50 ms
  drop              the first connection is cut (no close frame) after one batch
  malformed         a frame of broken JSON and a trade without a price first
  limit             the first connection gets the provider's connection-limit error
  silent            after subscribing: no data, and pings are not answered
  ratelimit         (http) the first two requests answer 429 with Retry-After: 1
  error5xx          (http) the first request answers 503
  crumb_refused     (http, --crumb) the crumb URL answers 403 "Unauthorized"
  chart_401         (http, --crumb) chart requests answer 401 even with a good crumb

With --crumb (http) the Yahoo chart endpoint wants Yahoo's cookie + crumb
handshake: GET /fc sets cookie A3 (and answers 404, as fc.yahoo.com does);
GET /v1/test/getcrumb with that cookie answers a crumb as text/plain; a chart
request without both answers 401 "Invalid Crumb". --crumb-ttl N: a crumb (and
its cookie) expires after serving N chart requests (0: never).
"""
import argparse
import base64
import datetime
import hashlib
import http.server
import json
import secrets
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.connections = 0

    def next_connection(self):
        with self.lock:
            self.connections += 1
            return self.connections

    def record(self, conn, msg):
        if not self.path:
            return
        with self.lock, open(self.path, "a") as f:
            f.write(json.dumps({"conn": conn, "msg": msg}) + "\n")


class WsConnection:
    """Server side of one WebSocket connection on a (possibly TLS) socket."""

    def __init__(self, sock):
        self.sock = sock
        self.lock = threading.Lock()
        self.buffer = b""
        self.open = True
        self.answer_pings = True
        self.close_code = None

    def _read(self, n):
        while len(self.buffer) < n:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.buffer += data
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def handshake(self, check):
        """Reads the upgrade request; `check(path)` returns None or an HTTP status to refuse with."""
        while b"\r\n\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed during handshake")
            self.buffer += data
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        path = lines[0].split()[1]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        refuse = check(path, headers)
        if refuse:
            self.sock.sendall(f"HTTP/1.1 {refuse} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
            return None
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        self.sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        return path

    def send(self, text, opcode=1):
        payload = text.encode() if isinstance(text, str) else text
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + struct.pack(">H", n)
        else:
            header += bytes([127]) + struct.pack(">Q", n)
        with self.lock:
            if self.open:
                self.sock.sendall(header + payload)

    def receive(self):
        """The next text message; answers pings; None when the client closed."""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
            if opcode == 8:
                self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
                self.send(payload[:2], opcode=8)
                return None
            if opcode == 9:
                if self.answer_pings:
                    self.send(payload, opcode=10)
                continue
            if opcode == 1:
                return payload.decode()

    def cut(self):
        """Abrupt disconnect: no close frame."""
        with self.lock:
            self.open = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def now_ms():
    return int(time.time() * 1000)


def rfc3339(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


class Provider:
    """Frames of one provider; the streaming loop is shared."""

    def __init__(self, args):
        self.args = args
        self.prices = [float(p) for p in args.prices.split(",")]
        self.sequence = 1000

    def trades(self, symbols, price, batch):
        raise NotImplementedError


class Finnhub(Provider):
    def check(self, path, headers):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
        return None if query.get("token") == [self.args.key] else 401

    def greet(self, ws):
        return []

    def on_message(self, ws, msg, state):
        if msg.get("type") == "subscribe":
            state["symbols"].append(msg["symbol"])
            state["subscribed"] = True
        return []

    def batch(self, symbols, price):
        t = now_ms()
        return json.dumps({"type": "trade", "data": [
            {"s": s, "p": price, "t": t, "v": v, "c": ["1"]} for s in symbols for v in (10, 20)]})

    def extra(self):
        return [json.dumps({"type": "ping"})]

    def error_frame(self):
        return json.dumps({"type": "error", "msg": "Subscribing to too many symbols"})

    def malformed(self):
        return ['{"type":"trade","data":[{"s":"AAPL"', json.dumps({"type": "trade", "data": [{"s": "AAPL", "t": now_ms()}]})]


class Alpaca(Provider):
    def check(self, path, headers):
        return None

    def greet(self, ws):
        return [json.dumps([{"T": "success", "msg": "connected"}])]

    def on_message(self, ws, msg, state):
        if msg.get("action") == "auth":
            if msg.get("key") == self.args.key and msg.get("secret") == self.args.secret:
                state["authed"] = True
                return [json.dumps([{"T": "success", "msg": "authenticated"}])]
            return [json.dumps([{"T": "error", "code": 402, "msg": "auth failed"}])]
        if msg.get("action") == "subscribe":
            if not state.get("authed"):
                return [json.dumps([{"T": "error", "code": 401, "msg": "not authenticated"}])]
            state["symbols"] = list(msg.get("trades", []))
            state["channels"] = [k for k in ("trades", "quotes", "bars") if k in msg]
            state["subscribed"] = True
            return [json.dumps([{"T": "subscription", "trades": msg.get("trades", []),
                                 "quotes": msg.get("quotes", []), "bars": msg.get("bars", [])}])]
        return []

    def limit_error(self):
        return json.dumps([{"T": "error", "code": 406, "msg": "connection limit exceeded"}])

    def batch(self, symbols, price):
        t = rfc3339(now_ms())
        out = [{"T": "t", "S": s, "i": 1, "x": "V", "p": price, "s": 100, "t": t, "c": ["@"], "z": "C"} for s in symbols]
        out += [{"T": "q", "S": s, "bp": price - 0.01, "bs": 1, "ap": price + 0.01, "as": 2, "t": t} for s in symbols]
        return json.dumps(out)

    def extra(self):
        return []

    def malformed(self):
        return ['[{"T":"t",', json.dumps([{"T": "t", "S": "AAPL", "t": rfc3339(now_ms())}])]


class Polygon(Provider):
    def check(self, path, headers):
        return None

    def greet(self, ws):
        return [json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}])]

    def on_message(self, ws, msg, state):
        if msg.get("action") == "auth":
            if msg.get("params") == self.args.key:
                state["authed"] = True
                return [json.dumps([{"ev": "status", "status": "auth_success", "message": "authenticated"}])]
            return [json.dumps([{"ev": "status", "status": "auth_failed", "message": "authentication failed"}])]
        if msg.get("action") == "subscribe" and state.get("authed"):
            params = msg.get("params", "").split(",")
            state["symbols"] = [p.split(".", 1)[1] for p in params if p.startswith("T.")]
            state["subscribed"] = True
            return [json.dumps([{"ev": "status", "status": "success", "message": f"subscribed to: {p}"} for p in params])]
        return []

    def limit_error(self):
        return json.dumps([{"ev": "status", "status": "max_connections", "message": "Maximum number of websocket connections exceeded."}])

    def batch(self, symbols, price):
        t = now_ms()
        out = []
        for s in symbols:
            self.sequence += 7  # increasing, not contiguous
            out.append({"ev": "T", "sym": s, "x": 4, "i": "1", "z": 3, "p": price, "s": 100, "c": [0], "t": t, "q": self.sequence})
        return json.dumps(out)

    def extra(self):
        return []

    def malformed(self):
        return ['[{"ev":"T"', json.dumps([{"ev": "T", "sym": "AAPL", "t": now_ms()}])]


PROVIDERS = {"finnhub": Finnhub, "alpaca": Alpaca, "polygon": Polygon}


def serve_ws(args, recorder, provider):
    tls = None
    if args.tls:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls[0], args.tls[1])

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            sock = self.request
            if tls:
                try:
                    sock = tls.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client refused our certificate
            conn = recorder.next_connection()
            ws = WsConnection(sock)
            try:
                path = ws.handshake(provider.check)
            except (ConnectionError, OSError, KeyError):
                return
            if path is None:
                return
            recorder.record(conn, {"path": urllib.parse.urlparse(path).path})
            state = {"symbols": [], "subscribed": False}
            if args.scenario == "limit" and conn == 1 and hasattr(provider, "limit_error"):
                for frame in provider.greet(ws):
                    ws.send(frame)
                ws.send(provider.limit_error())
                time.sleep(0.2)
                ws.cut()
                return
            if args.scenario == "silent":
                ws.answer_pings = False
            for frame in provider.greet(ws):
                ws.send(frame)
            streamer = threading.Thread(target=stream, args=(ws, conn, state), daemon=True)
            streamer.start()
            try:
                while True:
                    text = ws.receive()
                    if text is None:
                        recorder.record(conn, {"close_code": ws.close_code})
                        break
                    try:
                        msg = json.loads(text)
                    except ValueError:
                        msg = {"unparsed": text}
                    recorder.record(conn, msg)
                    for reply in provider.on_message(ws, msg, state):
                        ws.send(reply)
            except (ConnectionError, OSError):
                pass
            ws.open = False

    def stream(ws, conn, state):
        i = 0
        sent_extras = False
        try:
            while ws.open:
                time.sleep(0.05)
                if not state["subscribed"] or not state["symbols"] or args.scenario == "silent":
                    continue
                if not sent_extras:
                    sent_extras = True
                    if args.scenario == "malformed":
                        for frame in provider.malformed():
                            ws.send(frame)
                    for frame in provider.extra():
                        ws.send(frame)
                    if hasattr(provider, "error_frame"):
                        ws.send(provider.error_frame())
                ws.send(provider.batch(state["symbols"], provider.prices[i % len(provider.prices)]))
                i += 1
                if args.scenario == "drop" and conn == 1:
                    ws.cut()
                    return
        except OSError:
            pass

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", args.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


def serve_http(args, recorder, prices):
    counter = {"n": 0}
    lock = threading.Lock()
    # --crumb: cookie value -> [crumb or None, chart requests served with it]
    sessions = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body, headers=None, content_type="application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def cookie(self):
            for part in (self.headers.get("Cookie") or "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == "A3":
                    return value
            return None

        # The crumb handshake (--crumb): True when the request was a step of it (answered).
        def crumb_step(self, url):
            if url.path == "/fc":
                value = secrets.token_hex(8)
                with lock:
                    sessions[value] = [None, 0]
                self.reply(404, "Not Found", {"Set-Cookie": f"A3=d={value}; Path=/; HttpOnly"}, "text/plain")
                return True
            if url.path == "/v1/test/getcrumb":
                if args.scenario == "crumb_refused":
                    self.reply(403, "Unauthorized", None, "text/plain")
                    return True
                value = (self.cookie() or "")[2:]
                with lock:
                    session = sessions.get(value)
                    if session is None:
                        crumb = None
                    else:
                        session[0] = secrets.token_urlsafe(8)[:9] + "/."  # needs URL-escaping
                        session[1] = 0
                        crumb = session[0]
                if crumb is None:
                    self.reply(401, "Unauthorized", None, "text/plain")
                else:
                    self.reply(200, crumb, None, "text/plain;charset=utf-8")
                return True
            return False

        def crumb_ok(self, url):
            value = (self.cookie() or "")[2:]
            crumb = urllib.parse.parse_qs(url.query).get("crumb", [""])[0]
            with lock:
                session = sessions.get(value)
                if args.scenario == "chart_401" or session is None or not session[0] or session[0] != crumb:
                    return False
                session[1] += 1
                if args.crumb_ttl and session[1] >= args.crumb_ttl:
                    del sessions[value]  # this one is served; the next request needs a new pair
                return True

        def do_GET(self):
            with lock:
                counter["n"] += 1
                n = counter["n"]
            url = urllib.parse.urlparse(self.path)
            recorder.record(n, {"path": url.path, "query": url.query,
                                "finnhub_token": self.headers.get("X-Finnhub-Token"),
                                "authorization": self.headers.get("Authorization"),
                                "cookie": self.cookie() is not None,
                                "port": self.client_address[1]})
            if args.crumb and self.crumb_step(url):
                return
            if args.scenario == "ratelimit" and n <= 2:
                return self.reply(429, {"error": "API limit reached"}, {"Retry-After": "1"})
            if args.scenario == "error5xx" and n == 1:
                return self.reply(503, {"error": "unavailable"})
            price = prices[(n - 1) % len(prices)]
            t = int(time.time())
            if url.path.startswith("/api/v1/quote"):
                if self.headers.get("X-Finnhub-Token") != args.key:
                    return self.reply(401, {"error": "Invalid API key"})
                symbol = urllib.parse.parse_qs(url.query).get("symbol", [""])[0]
                if symbol == "NOPE":
                    return self.reply(200, {"c": 0, "d": None, "dp": None, "h": 0, "l": 0, "o": 0, "pc": 0, "t": 0})
                return self.reply(200, {"c": price, "d": 1.0, "dp": 0.5, "h": price + 1, "l": price - 1,
                                        "o": price, "pc": price - 1, "t": t})
            if url.path.startswith("/v8/finance/chart/"):
                if args.crumb and not self.crumb_ok(url):
                    return self.reply(401, {"finance": {"result": None, "error": {
                        "code": "Unauthorized", "description": "Invalid Crumb"}}})
                symbol = url.path.rsplit("/", 1)[1]
                return self.reply(200, {"chart": {"result": [{"meta": {
                    "currency": "USD", "symbol": symbol, "regularMarketPrice": price,
                    "regularMarketTime": t, "regularMarketVolume": 1234, "chartPreviousClose": price - 2}}],
                    "error": None}})
            if url.path.startswith("/json/all"):
                return self.reply(200, {"data": [
                    {"ticker": "AAPL", "last": str(price), "ts": t * 1000},
                    {"ticker": "MSFT", "last": price * 2, "ts": t * 1000},
                    {"ticker": "BAD"}]})
            if url.path.startswith("/json/"):
                symbol = url.path.rsplit("/", 1)[1]
                return self.reply(200, {"quote": {"symbol": symbol, "last": price, "bid": price - 0.05,
                                                  "ask": price + 0.05, "time": t}})
            self.reply(404, {"error": "not found"})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.tls:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provider", required=True, choices=["finnhub", "alpaca", "polygon", "http"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="test-key")
    parser.add_argument("--secret", default="test-secret")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--scenario", default="normal")
    parser.add_argument("--prices", default="100,101,102")
    parser.add_argument("--record")
    parser.add_argument("--crumb", action="store_true")
    parser.add_argument("--crumb-ttl", type=int, default=0)
    args = parser.parse_args()
    recorder = Recorder(args.record)
    if args.provider == "http":
        serve_http(args, recorder, [float(p) for p in args.prices.split(",")])
    else:
        serve_ws(args, recorder, PROVIDERS[args.provider](args))


if __name__ == "__main__":
    sys.exit(main())
