"""Email delivery through the real binary to a real SMTP server (Debian's
python3-aiosmtpd, started here on 127.0.0.1 with AUTH): the message is parsed
and checked (envelope, AUTH, Date, Message-ID, text + HTML parts)."""
import email
import email.policy
import json
import os
import socket
import sys
import threading
import time
import unittest

try:
    import aiosmtpd  # noqa: F401
except ImportError:  # a non-Debian python3 (e.g. pyenv): use Debian's package
    sys.path.append("/usr/lib/python3/dist-packages")
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from harness import BellwetherServer, free_port
from webhook_receiver import WebhookReceiver

USER, PASSWORD = "bw-mailer", "s3cret-pw-123"
API_KEY = "key-abc-123456"
# Secrets reach the server only through the environment (password_env / api_key_env).
os.environ["BW_TEST_SMTP_PASSWORD"] = PASSWORD
os.environ["BW_TEST_EMAIL_API_KEY"] = API_KEY


class Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                                  session.authenticated))
        return "250 OK"

    def __call__(self, server, session, envelope, mechanism, auth_data):  # authenticator
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        with self.lock:
            self.logins.append((mechanism, auth_data.login, ok))
        return AuthResult(success=ok)


class EmailTest(unittest.TestCase):
    def setUp(self):
        self.inbox = Inbox()
        port = free_port()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=port, authenticator=self.inbox,
                               auth_required=True, auth_require_tls=False)
        self.smtp.start()
        self.server = BellwetherServer(extra_config=(
            "[delivery]\nretry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n"
            f"[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\n"
            "from = \"Bellwether <alerts@bw.example>\"\n"
            f"username = \"{USER}\"\npassword_env = \"BW_TEST_SMTP_PASSWORD\"\nstarttls = \"off\"\n")).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.smtp.stop()

    def test_a_fired_alert_is_mailed_as_a_proper_rfc5322_message(self):
        status, ch = self.server.api("POST", "/api/v1/channels",
                                     {"type": "email", "address": "trader@example.com"}, token=self.alice)
        self.assertEqual(status, 201, ch)
        self.assertEqual(ch["address"], "trader@example.com")
        self.assertNotIn("secret", ch)
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "name": "Breakout <test>", "condition": {"type": "crossing_up", "price": 150},
            "channels": [ch["id"]]}, token=self.alice)
        self.assertEqual(status, 201, alert)
        self.server.push(self.ops, 149, 151)
        self.server.wait_for(lambda: self.inbox.messages, what="an email")
        mail_from, rcpt, content, authenticated = self.inbox.messages[0]
        self.assertEqual(mail_from, "alerts@bw.example")
        self.assertEqual(rcpt, ["trader@example.com"])
        self.assertTrue(authenticated)
        self.assertIn(True, [ok for _, _, ok in self.inbox.logins])
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.assertEqual(message["To"], "trader@example.com")
        self.assertIn("TEST crossed above 150.00", message["Subject"])
        self.assertIsNotNone(message["Date"].datetime)
        [notification] = self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]
        rows = self.server.wait_for(
            lambda: [d for d in self.server.api("GET", f"/api/v1/notifications/{notification['id']}/deliveries",
                                                token=self.alice)[1]["items"] if d["status"] == "delivered"],
            what="delivered email")
        self.assertEqual(message["Message-ID"], f"<delivery-{rows[0]['id']}@bw.example>")
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn("TEST crossed above 150.00", text)
        self.assertIn("Breakout <test>", text)
        self.assertIn("Breakout &lt;test&gt;", html)
        self.assertNotIn(PASSWORD, self.server.read_log(), "the SMTP password never reaches the log")

    def test_email_addresses_are_validated(self):
        for bad in ["not-an-address", "a@localhost", "a@b.c\r\nBcc: x@y.z"]:
            status, body = self.server.api("POST", "/api/v1/channels", {"type": "email", "address": bad},
                                           token=self.alice)
            self.assertEqual(status, 400, bad)
            self.assertTrue(body["detail"].startswith("address:"), body)

    def test_email_channels_are_refused_without_a_transport(self):
        other = BellwetherServer().start()
        try:
            token = other.create_user("carol")
            status, body = other.api("POST", "/api/v1/channels", {"type": "email", "address": "c@example.com"},
                                     token=token)
            self.assertEqual(status, 400)
            self.assertTrue(body["detail"].startswith("type:"), body)
        finally:
            other.__exit__(None, None, None)


class EmailApiTest(unittest.TestCase):
    """The generic JSON email-API transport, against a local HTTP receiver."""

    def setUp(self):
        self.receiver = WebhookReceiver().__enter__()
        self.server = BellwetherServer(extra_config=(
            "[delivery]\nretry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n"
            f"[email]\napi_url = \"{self.receiver.url('send')}\"\napi_format = \"json\"\n"
            "api_key_env = \"BW_TEST_EMAIL_API_KEY\"\nfrom = \"Bellwether <alerts@bw.example>\"\n")).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)

    def test_an_email_goes_out_through_the_api_and_a_failure_is_retried(self):
        self.receiver.behave("send", [503])
        status, ch = self.server.api("POST", "/api/v1/channels",
                                     {"type": "email", "address": "trader@example.com"}, token=self.alice)
        self.assertEqual(status, 201, ch)
        status, alert = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": 150}, "channels": [ch["id"]]},
            token=self.alice)
        self.assertEqual(status, 201, alert)
        self.server.push(self.ops, 149, 151)
        self.receiver.wait_for(lambda r: len(r.requests("send")) == 2, what="an attempt and its retry")
        first, second = self.receiver.requests("send")
        self.assertEqual(second["headers"]["authorization"], "Bearer key-abc-123456")
        body = json.loads(second["body"])
        self.assertEqual(body["to"], "trader@example.com")
        self.assertIn("TEST crossed above 150.00", body["subject"])
        self.assertEqual(json.loads(first["body"])["message_id"], body["message_id"])
        self.assertNotIn("key-abc-123456", self.server.read_log())


if __name__ == "__main__":
    unittest.main()
