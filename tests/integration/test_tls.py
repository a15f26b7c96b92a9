"""TLS on both listeners ([tls] cert_file/key_file) over the real binary: the
REST API and the event stream speak HTTPS, verified against a throw-away CA
made with the openssl CLI; plain HTTP to either port fails cleanly; old or
weak cipher suites are refused; the session cookie is Secure; a bad [tls]
file is refused with file:line:col; a reload swaps the certificate for new
connections while an open stream stays up."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

import harness
from harness import BellwetherServer, SseClient, TIMEOUT

SUPPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support")


def make_ca(directory):
    subprocess.run(["sh", os.path.join(SUPPORT, "make_test_ca.sh"), directory], check=True)


def client_context(ca_file):
    context = ssl.create_default_context(cafile=ca_file)  # verification and host check on
    return context


def tls_config(cert, key):
    return f'[tls]\ncert_file = "{cert}"\nkey_file = "{key}"\n'


def cookie_of(headers):
    return next(value for name, value in headers.items() if name.lower() == "set-cookie")


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="bw-tls-")
        cls.ca_dir = os.path.join(cls.tmp.name, "ca")
        make_ca(cls.ca_dir)
        # The server reads copies, so a test can replace them in place.
        cls.cert = os.path.join(cls.tmp.name, "server.pem")
        cls.key = os.path.join(cls.tmp.name, "server.key")
        shutil.copy(os.path.join(cls.ca_dir, "server.pem"), cls.cert)
        shutil.copy(os.path.join(cls.ca_dir, "server.key"), cls.key)
        cls.context = client_context(os.path.join(cls.ca_dir, "ca.pem"))
        cls.server = BellwetherServer(extra_config=tls_config(cls.cert, cls.key), tls=cls.context).start()
        cls.ops = cls.server.create_user("ops", admin=True)
        cls.alice = cls.server.create_user("alice")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()

    def peer_certificate(self, port):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            with self.context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                return tls.getpeercert(binary_form=True), tls.version()

    def assert_stream_alive(self, events, price):
        status, _ = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TLS", "condition": {"type": "crossing_up", "price": price},
            "trigger": {"mode": "once"}}, token=self.alice)
        self.assertEqual(status, 201)
        self.server.push(self.ops, price - 1, price + 1, symbol="TLS")
        self.assertIn(f"TLS crossed above {price}.00", events.next_event("notification")["data"])

    def test_the_api_and_the_stream_speak_verified_tls_1_2_or_later(self):
        status, body = self.server.api("GET", "/api/v1/me", token=self.alice)
        self.assertEqual((status, body["name"]), (200, "alice"))
        for port in (self.server.web_port, self.server.stream_port):
            _, version = self.peer_certificate(port)
            self.assertIn(version, ("TLSv1.2", "TLSv1.3"))
        with self.server.stream(self.alice) as events:
            self.assertEqual(events.status, 200)
            self.assertEqual(events.headers["content-type"], "text/event-stream")
            self.assert_stream_alive(events, 500)
        self.assertIn(f"web: dashboard and API on https://127.0.0.1:{self.server.web_port}/",
                      self.server.read_log())

    def test_a_client_that_does_not_trust_the_ca_is_refused_by_its_own_verification(self):
        other = client_context(os.path.join(self.ca_dir, "other_ca.pem"))
        for port in (self.server.web_port, self.server.stream_port):
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
                with self.assertRaises(ssl.SSLCertVerificationError):
                    other.wrap_socket(raw, server_hostname="127.0.0.1")

    def test_plain_http_to_the_tls_ports_fails_cleanly(self):
        # REST: the TLS handshake fails and the connection closes (no hang).
        with self.assertRaises((urllib.error.URLError, ConnectionError, OSError)) as raised:
            urllib.request.urlopen(f"http://127.0.0.1:{self.server.web_port}/healthz", timeout=TIMEOUT)
        self.assertNotIsInstance(raised.exception, TimeoutError)
        # Stream: a plain 400 that says to use https.
        with socket.create_connection(("127.0.0.1", self.server.stream_port), timeout=TIMEOUT) as raw:
            raw.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while chunk := raw.recv(4096):
                answer += chunk
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
        self.assertIn(b"https", answer)
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=self.alice)[0], 200)

    def test_weak_tls_1_2_suites_are_refused(self):
        weak = client_context(os.path.join(self.ca_dir, "ca.pem"))
        weak.maximum_version = ssl.TLSVersion.TLSv1_2
        weak.set_ciphers("ECDHE-ECDSA-AES128-SHA")  # CBC with SHA-1: not in our list
        for port in (self.server.web_port, self.server.stream_port):
            with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
                with self.assertRaises(ssl.SSLError):
                    weak.wrap_socket(raw, server_hostname="127.0.0.1")

    def test_the_session_cookie_is_secure_and_opens_the_stream_for_the_dashboard_origin(self):
        status, _ = self.server.api("POST", "/api/v1/users",
                                    {"name": "carol", "password": "carol-initial-pw"}, token=self.ops)
        self.assertEqual(status, 201)
        status, headers, _ = self.server.request(
            "POST", "/api/v1/session", {"username": "carol", "password": "carol-initial-pw"})
        self.assertEqual(status, 201)
        cookie = cookie_of(headers)
        self.assertIn("; Secure", cookie)
        self.assertIn("HttpOnly", cookie)
        session = cookie.split(";", 1)[0]
        csrf = self.server.api("GET", "/api/v1/session", headers={"Cookie": session})[1]["csrf_token"]
        status, _ = self.server.api("POST", "/api/v1/me/password",
                                    {"current_password": "carol-initial-pw",
                                     "new_password": "carol-long-password"},
                                    headers={"Cookie": session, "X-CSRF-Token": csrf})
        self.assertEqual(status, 204)
        origin = f"https://127.0.0.1:{self.server.web_port}"
        with SseClient(self.server.stream_port, "/api/v1/events",
                       {"Cookie": session, "Origin": origin}, tls=self.context) as events:
            self.assertEqual(events.status, 200)
            self.assertEqual(events.headers["access-control-allow-origin"], origin)
            self.assertEqual(events.headers["access-control-allow-credentials"], "true")

    def test_a_reload_swaps_the_certificate_for_new_connections_and_keeps_open_streams(self):
        before, _ = self.peer_certificate(self.server.web_port)
        renewed = os.path.join(self.tmp.name, "renewed")
        make_ca(renewed)  # a new CA; the client trusts both for this test
        both = client_context(os.path.join(self.ca_dir, "ca.pem"))
        both.load_verify_locations(os.path.join(renewed, "ca.pem"))
        with self.server.stream(self.alice) as events:
            shutil.copy(os.path.join(renewed, "server.pem"), self.cert)
            shutil.copy(os.path.join(renewed, "server.key"), self.key)
            try:
                self.server.tls = both
                status, body = self.server.api("POST", "/api/v1/admin/reload", token=self.ops)
                self.assertEqual(status, 200, body)
                self.assertEqual(body["applied"], ["tls.cert_file", "tls.key_file"])
                self.assertEqual(body["restart_required"], [])
                for port in (self.server.web_port, self.server.stream_port):
                    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
                        with both.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                            after = tls.getpeercert(binary_form=True)
                    self.assertNotEqual(after, before)
                    with open(os.path.join(renewed, "server.pem")) as f:
                        self.assertEqual(ssl.DER_cert_to_PEM_cert(after).strip(), f.read().strip())
                self.assert_stream_alive(events, 600)
            finally:
                shutil.copy(os.path.join(self.ca_dir, "server.pem"), self.cert)
                shutil.copy(os.path.join(self.ca_dir, "server.key"), self.key)
                self.server.api("POST", "/api/v1/admin/reload", token=self.ops)
                self.server.tls = self.context

    def test_a_reload_with_a_mismatched_key_is_refused_and_the_old_certificate_keeps_serving(self):
        before, _ = self.peer_certificate(self.server.stream_port)
        try:
            shutil.copy(os.path.join(self.ca_dir, "other_ca.key"), self.key)
            status, problem = self.server.api("POST", "/api/v1/admin/reload", token=self.ops)
            self.assertEqual(status, 422, problem)
            self.assertIn(f":15:12: tls.key_file: \"{self.key}\" does not match the certificate",
                          problem["detail"])
            self.assertEqual(self.peer_certificate(self.server.stream_port)[0], before)
            self.assertEqual(self.peer_certificate(self.server.web_port)[0], before)
        finally:
            shutil.copy(os.path.join(self.ca_dir, "server.key"), self.key)


class TlsConfigTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="bw-tls-config-")
        cls.ca = os.path.join(cls.tmp.name, "ca")
        make_ca(cls.ca)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, tls_toml):
        server = BellwetherServer(extra_config=tls_toml)
        try:
            result = subprocess.run([harness.BIN, "config", "check", server.config], capture_output=True,
                                    text=True, timeout=60)
            return result.returncode, result.stdout + result.stderr, server.config
        finally:
            server.__exit__(None, None, None)

    def test_a_key_that_does_not_match_the_certificate_is_named_with_its_location(self):
        code, output, config = self.check(tls_config(f"{self.ca}/server.pem", f"{self.ca}/other_ca.key"))
        self.assertNotEqual(code, 0)
        self.assertIn(f"{config}:15:12: tls.key_file: \"{self.ca}/other_ca.key\" does not match the "
                      f"certificate in \"{self.ca}/server.pem\"", output)

    def test_unreadable_and_non_pem_files_are_named(self):
        code, output, config = self.check(tls_config(f"{self.ca}/missing.pem", f"{self.ca}/server.key"))
        self.assertNotEqual(code, 0)
        self.assertIn(f"{config}:14:13: tls.cert_file: cannot read \"{self.ca}/missing.pem\"", output)
        code, output, _ = self.check(tls_config(f"{self.ca}/server.pem", f"{self.ca}/server.pem"))
        self.assertIn("tls.key_file: ", output)
        self.assertIn("holds no unencrypted PEM private key", output)
        code, output, _ = self.check(tls_config(f"{self.ca}/server.key", f"{self.ca}/server.key"))
        self.assertIn("tls.cert_file: ", output)
        self.assertIn("holds no PEM certificate", output)

    def test_only_one_of_the_two_files_is_an_error(self):
        code, output, config = self.check(f'[tls]\ncert_file = "{self.ca}/server.pem"\n')
        self.assertNotEqual(code, 0)
        self.assertIn(f"{config}:14:13: tls.cert_file: set key_file too", output)


if __name__ == "__main__":
    unittest.main()
