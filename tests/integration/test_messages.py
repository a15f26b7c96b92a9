"""Message templates through the real binary: an alert's message, email
subject and body templates are checked when saved (400 naming the field,
nothing changed), rendered when it fires (webhook payload, notification list,
a real SMTP server's message with the HTML part escaped), and {{change_pct}}
uses the quote's previous close (n/a without one)."""
import email
import email.policy
import json
import sys
import unittest

try:
    import aiosmtpd  # noqa: F401
except ImportError:  # a non-Debian python3: use Debian's package
    sys.path.append("/usr/lib/python3/dist-packages")
from aiosmtpd.controller import Controller

from harness import BellwetherServer, free_port
from webhook_receiver import WebhookReceiver


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


class MessageTemplateTest(unittest.TestCase):
    def setUp(self):
        self.inbox = Inbox()
        port = free_port()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=port)
        self.smtp.start()
        self.receiver = WebhookReceiver().__enter__()
        self.server = BellwetherServer(extra_config=(
            "[delivery]\nallowed_private_addresses = [\"127.0.0.1\"]\n"
            "retry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n"
            f"[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\n"
            "from = \"Bellwether <alerts@bw.example>\"\nstarttls = \"off\"\n")).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        self.receiver.__exit__(None, None, None)
        self.smtp.stop()

    def channel(self, body):
        status, ch = self.server.api("POST", "/api/v1/channels", body, token=self.alice)
        self.assertEqual(status, 201, ch)
        return ch["id"]

    def create(self, **fields):
        body = {"symbol": "TEST", "condition": {"type": "crossing_up", "price": 150}}
        body.update(fields)
        return self.server.api("POST", "/api/v1/alerts", body, token=self.alice)

    def push(self, *quotes):
        status, body = self.server.api("POST", "/api/v1/quotes", list(quotes), token=self.ops)
        self.assertEqual(status, 202, body)

    def notifications(self):
        return self.server.api("GET", "/api/v1/notifications", token=self.alice)[1]["items"]

    def test_templates_render_in_the_webhook_the_api_and_the_email(self):
        hook = self.channel({"type": "webhook", "url": self.receiver.url("hook")})
        mail = self.channel({"type": "email", "address": "trader@example.com"})
        status, alert = self.create(
            name="Breakout <b>now</b>", channels=[hook, mail],
            message_template="{{symbol}} {{condition}} {{threshold}}: {{price}} ({{change_pct}}%) for {{user}}",
            email_subject_template="{{alert_name}}: {{symbol}} {{change_pct}}%",
            email_body_template="{{message}}\nAt {{time}}.\nAlert {{alert_name}}")
        self.assertEqual(status, 201, alert)
        self.assertEqual(alert["email_subject_template"], "{{alert_name}}: {{symbol}} {{change_pct}}%")
        # Both stamped: under load the two may merge into one mini-bar, which
        # keeps the later event time.
        self.push({"symbol": "TEST", "price": 149, "prev_close": 140, "ts": "2026-11-26T15:04:00Z"},
                  {"symbol": "TEST", "price": 151, "prev_close": 140, "ts": "2026-11-26T15:04:05Z"})
        expected = "TEST crossed above 150.00: 151.00 (+7.86%) for alice"
        self.server.wait_for(self.notifications, what="a notification")
        self.assertEqual(self.notifications()[0]["message"], expected)

        self.receiver.wait_for(lambda r: r.requests("hook"), what="the webhook")
        payload = json.loads(self.receiver.requests("hook")[0]["body"])
        self.assertEqual(payload["data"]["notification"]["message"], expected)

        self.server.wait_for(lambda: self.inbox.messages, what="an email")
        message = email.message_from_bytes(self.inbox.messages[0], policy=email.policy.default)
        self.assertEqual(message["Subject"], "Breakout <b>now</b>: TEST +7.86%")
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertTrue(text.startswith(f"{expected}\nAt 2026-11-26 15:04:05 UTC.\nAlert Breakout <b>now</b>\n"),
                        text)
        self.assertIn("Alert Breakout &lt;b&gt;now&lt;/b&gt;", html)
        self.assertNotIn("<b>now", html)

    def test_change_pct_is_n_a_without_a_previous_close(self):
        status, alert = self.create(message_template="{{symbol}} {{change_pct}}")
        self.assertEqual(status, 201, alert)
        self.push({"symbol": "TEST", "price": 149}, {"symbol": "TEST", "price": 151})
        self.server.wait_for(self.notifications, what="a notification")
        self.assertEqual(self.notifications()[0]["message"], "TEST n/a")

    def test_an_alert_without_templates_keeps_the_default_text(self):
        status, _ = self.create()
        self.assertEqual(status, 201)
        self.push({"symbol": "TEST", "price": 149}, {"symbol": "TEST", "price": 151})
        self.server.wait_for(self.notifications, what="a notification")
        self.assertEqual(self.notifications()[0]["message"], "TEST crossed above 150.00 at 151.00")

    def test_a_bad_placeholder_is_a_400_naming_the_field_and_saves_nothing(self):
        for field, template, reason in [
                ("message_template", "{{sym}} rose", "unknown placeholder {{sym}} at character 1"),
                ("email_subject_template", "{{symbol", "unclosed placeholder {{ at character 1"),
                ("email_body_template", "x {{}}", "empty placeholder at character 3"),
                ("message_template", "{{message}}", "unknown placeholder {{message}}")]:
            status, body = self.create(**{field: template})
            self.assertEqual(status, 400, body)
            self.assertTrue(body["detail"].startswith(f"{field}: {reason}"), body)
        self.assertEqual(self.server.api("GET", "/api/v1/alerts", token=self.alice)[1]["items"], [])

    def test_patch_changes_templates_and_refuses_bad_ones_without_changing_anything(self):
        status, alert = self.create(message_template="{{symbol}} first")
        self.assertEqual(status, 201, alert)
        path = f"/api/v1/alerts/{alert['id']}"
        status, body = self.server.api("PATCH", path, {"name": "x", "message_template": "{{nope}}"},
                                       token=self.alice)
        self.assertEqual(status, 400, body)
        self.assertTrue(body["detail"].startswith("message_template: unknown placeholder {{nope}}"), body)
        status, same = self.server.api("GET", path, token=self.alice)
        self.assertEqual((same["name"], same["message_template"]), ("", "{{symbol}} first"))
        status, patched = self.server.api("PATCH", path, {"message_template": "{{symbol}} second"},
                                          token=self.alice)
        self.assertEqual(status, 200, patched)
        self.assertEqual(patched["message_template"], "{{symbol}} second")
        self.push({"symbol": "TEST", "price": 149}, {"symbol": "TEST", "price": 151})
        self.server.wait_for(self.notifications, what="a notification")
        self.assertEqual(self.notifications()[0]["message"], "TEST second")
        bob = self.server.create_user("bob")
        status, _ = self.server.api("PATCH", path, {"message_template": "{{symbol}}"}, token=bob)
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
