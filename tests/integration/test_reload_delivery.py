"""Hot reload of [email] and [delivery] through the real binary: the SMTP
transport moves to another server, and the private-address policy changes
for new channels and for the dispatcher, without a restart."""
import sys
import threading
import unittest

try:
    import aiosmtpd  # noqa: F401
except ImportError:  # a non-Debian python3 (e.g. pyenv): use Debian's package
    sys.path.append("/usr/lib/python3/dist-packages")
from aiosmtpd.controller import Controller

from harness import BellwetherServer, free_port
from webhook_receiver import WebhookReceiver

FAST_RETRIES = "[delivery]\nretry_schedule = [\"300ms\"]\nretry_jitter = 0.0\n"


def smtp_config(port):
    return (f"[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\n"
            "from = \"Bellwether <alerts@bw.example>\"\nstarttls = \"off\"\n")


class Inbox:
    def __init__(self):
        self.lock = threading.Lock()
        self.rcpts = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.rcpts.append(list(envelope.rcpt_tos))
        return "250 OK"

    def received(self):
        with self.lock:
            return list(self.rcpts)


class ReloadDeliveryTest(unittest.TestCase):
    def setUp(self):
        self.inboxes, self.smtp = [], []
        for _ in range(2):
            inbox, port = Inbox(), free_port()
            controller = Controller(inbox, hostname="127.0.0.1", port=port)
            controller.start()
            self.inboxes.append(inbox)
            self.smtp.append((controller, port))
        self.server = BellwetherServer(extra_config=FAST_RETRIES + smtp_config(self.smtp[0][1])).start()
        self.ops = self.server.create_user("ops", admin=True)
        self.alice = self.server.create_user("alice")

    def tearDown(self):
        self.server.__exit__(None, None, None)
        for controller, _ in self.smtp:
            controller.stop()

    def reload(self):
        return self.server.api("POST", "/api/v1/admin/reload", token=self.ops)

    def fire(self, channel_id, price):
        status, body = self.server.api("POST", "/api/v1/alerts", {
            "symbol": "TEST", "condition": {"type": "crossing_up", "price": price},
            "trigger": {"mode": "once"}, "channels": [channel_id]}, token=self.alice)
        self.assertEqual(status, 201, body)
        self.server.push(self.ops, price - 1, price + 1)

    def test_email_goes_to_the_new_smtp_server_after_a_reload(self):
        status, ch = self.server.api("POST", "/api/v1/channels",
                                     {"type": "email", "address": "trader@example.com"}, token=self.alice)
        self.assertEqual(status, 201, ch)
        self.fire(ch["id"], 150)
        self.server.wait_for(lambda: self.inboxes[0].received(), what="mail at the first server")

        self.server.write_config("sources = []\n", FAST_RETRIES + smtp_config(self.smtp[1][1]))
        status, body = self.reload()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["applied"], ["email.smtp_url"])
        self.assertEqual(body["restart_required"], [])

        self.fire(ch["id"], 160)
        self.server.wait_for(lambda: self.inboxes[1].received(), what="mail at the second server")
        self.assertEqual(self.inboxes[1].received(), [["trader@example.com"]])
        self.assertEqual(len(self.inboxes[0].received()), 1, "nothing more at the old server")
        self.assertIn("config: reloaded; applied: email.smtp_url", self.server.read_log())

    def test_removing_the_transport_refuses_new_email_channels(self):
        self.server.write_config("sources = []\n", FAST_RETRIES)
        status, body = self.reload()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["applied"], ["email.smtp_url", "email.from", "email.starttls"])
        status, body = self.server.api("POST", "/api/v1/channels",
                                       {"type": "email", "address": "trader@example.com"}, token=self.alice)
        self.assertEqual(status, 400)
        self.assertTrue(body["detail"].startswith("type:"), body)

    def test_allowing_a_private_address_applies_to_channels_and_the_dispatcher(self):
        with WebhookReceiver() as receiver:
            url = receiver.url("hook")
            status, body = self.server.api("POST", "/api/v1/channels", {"type": "webhook", "url": url},
                                           token=self.alice)
            self.assertEqual(status, 400, "127.0.0.1 is private and not allowed yet")
            self.assertTrue(body["detail"].startswith("url:"), body)

            self.server.write_config("sources = []\n", FAST_RETRIES +
                                     "allowed_private_addresses = [\"127.0.0.1\"]\n" +
                                     smtp_config(self.smtp[0][1]))
            status, body = self.reload()
            self.assertEqual(status, 200, body)
            self.assertEqual(body["applied"], ["delivery.allowed_private_addresses"])

            status, ch = self.server.api("POST", "/api/v1/channels", {"type": "webhook", "url": url},
                                         token=self.alice)
            self.assertEqual(status, 201, ch)
            self.fire(ch["id"], 150)
            receiver.wait_for(lambda r: r.requests("hook"), what="the webhook")

    def test_delivery_threads_need_a_restart_and_the_other_keys_still_apply(self):
        with WebhookReceiver() as receiver:
            threads = (FAST_RETRIES + "allowed_private_addresses = [\"127.0.0.1\"]\nthreads = {}\n" +
                       smtp_config(self.smtp[0][1]))
            self.server.stop()
            self.server.write_config("sources = []\n", threads.format(2))
            self.server.start()
            channels = []
            for path in ("a", "b", "c"):
                status, ch = self.server.api("POST", "/api/v1/channels",
                                             {"type": "webhook", "url": receiver.url(path)}, token=self.alice)
                self.assertEqual(status, 201, ch)
                channels.append(ch["id"])
            for i, channel_id in enumerate(channels):
                self.fire(channel_id, 150 + 10 * i)
            receiver.wait_for(lambda r: all(r.requests(p) for p in ("a", "b", "c")), what="one webhook per channel")

            self.server.write_config("sources = []\n", threads.format(3).replace('"300ms"', '"400ms"'))
            status, body = self.reload()
            self.assertEqual(status, 200, body)
            self.assertEqual(body["applied"], ["delivery.retry_schedule"])
            self.assertEqual(body["restart_required"], ["delivery.threads"])
            self.assertIn("needs a restart: delivery.threads", self.server.read_log())
            self.fire(channels[0], 200)
            receiver.wait_for(lambda r: len(r.requests("a")) == 2, what="a second webhook after the reload")
            self.assertEqual(sorted(len(receiver.requests(p)) for p in ("a", "b", "c")), [1, 1, 2])


if __name__ == "__main__":
    unittest.main()
