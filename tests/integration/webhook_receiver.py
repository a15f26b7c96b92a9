"""A real webhook receiver on 127.0.0.1 for the delivery tests: it verifies
Standard Webhooks signatures and can answer 500, 410 or hang, per path.

    with WebhookReceiver() as receiver:
        url = receiver.url("a")                 # http://127.0.0.1:PORT/a
        receiver.secrets["a"] = "whsec_..."     # to verify signatures
        receiver.behave("a", [500, 500])        # then 200
        receiver.behave("b", ["hang"])          # sleeps past the server's timeout
        receiver.wait_for(lambda r: len(r.requests("a")) == 3)
"""
import base64
import hashlib
import hmac
import http.server
import threading
import time


def verify(secret, msg_id, timestamp, body, signature):
    key = base64.b64decode(secret[len("whsec_"):])
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body,
                                         hashlib.sha256).digest()).decode()
    return any(part == "v1," + expected for part in signature.split(" "))


class WebhookReceiver:
    def __init__(self, hang_seconds=3.0):
        self.lock = threading.Lock()
        self.secrets = {}
        self.plans = {}
        self.default = 200
        self.log = []  # dicts: path, id, timestamp, body, valid, answered
        self.hang_seconds = hang_seconds
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                path = self.path.strip("/")
                with receiver.lock:
                    plan = receiver.plans.get(path, [])
                    answer = plan.pop(0) if plan else receiver.default
                    secret = receiver.secrets.get(path)
                    entry = {
                        "path": path,
                        "id": self.headers.get("webhook-id"),
                        "timestamp": self.headers.get("webhook-timestamp"),
                        "body": body,
                        "valid": bool(secret) and verify(secret, self.headers.get("webhook-id", ""),
                                                         self.headers.get("webhook-timestamp", ""), body,
                                                         self.headers.get("webhook-signature", "")),
                        "answered": answer,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                    receiver.log.append(entry)
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                    answer = 200
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"

    def behave(self, path, answers):
        with self.lock:
            self.plans[path] = list(answers)

    def requests(self, path=None):
        with self.lock:
            return [e for e in self.log if path is None or e["path"] == path]

    def wait_for(self, predicate, timeout=20.0, what="receiver condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}; got {self.requests()}")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
