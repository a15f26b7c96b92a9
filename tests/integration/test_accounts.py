"""Accounts and security over the real binary: password sign-in sessions (cookie
attributes, fresh ids, CSRF, idle and absolute expiry, sign-out), sign-in rate
limits, the first-run password change, admin user management, per-user API
tokens, the stream's cookie authentication, and secrets kept out of the log."""
import json
import os
import subprocess
import time
import unittest

from harness import BIN, BellwetherServer, SseClient


def cookie_of(headers):
    """The bw_session value and attributes from a Set-Cookie header."""
    raw = headers.get("Set-Cookie", "")
    first, *attributes = [part.strip() for part in raw.split(";")]
    name, _, value = first.partition("=")
    assert name == "bw_session", raw
    return value, attributes


class Browser:
    """A cookie-carrying client of one server (one session at a time)."""

    def __init__(self, server):
        self.server = server
        self.session_id = None
        self.csrf = None

    def sign_in(self, username, password):
        headers = {"Cookie": f"bw_session={self.session_id}"} if self.session_id else {}
        status, response_headers, text = self.server.request(
            "POST", "/api/v1/session", {"username": username, "password": password}, headers=headers)
        body = json.loads(text) if text else None
        if status == 201:
            self.session_id, _ = cookie_of(response_headers)
            self.csrf = body["csrf_token"]
        return status, response_headers, body

    def request(self, method, path, body=None, csrf=True, headers=None):
        all_headers = dict(headers or {})
        if self.session_id:
            all_headers["Cookie"] = f"bw_session={self.session_id}"
        if csrf and self.csrf:
            all_headers["X-CSRF-Token"] = self.csrf
        return self.server.request(method, path, body, headers=all_headers)

    def api(self, method, path, body=None, **kwargs):
        status, _, text = self.request(method, path, body, **kwargs)
        return status, (json.loads(text) if text else None)


def first_run_credentials(server):
    with open(os.path.join(server.data_dir, "initial-admin.txt")) as f:
        lines = dict(line.split(":", 1) for line in f if ":" in line and not line.startswith("Bell"))
    return lines["password"].strip(), lines["token"].strip()


class FirstRunAdminTest(unittest.TestCase):
    def test_the_first_run_admin_must_set_a_password_before_anything_else(self):
        with BellwetherServer() as server:
            password, token = first_run_credentials(server)
            browser = Browser(server)
            status, headers, body = browser.sign_in("admin", password)
            self.assertEqual(status, 201, body)
            self.assertTrue(body["user"]["must_change_password"])
            _, attributes = cookie_of(headers)
            self.assertIn("HttpOnly", attributes)
            self.assertIn("SameSite=Strict", attributes)
            self.assertIn("Path=/", attributes)
            self.assertNotIn("Secure", attributes)  # plain HTTP here
            self.assertEqual(headers.get("Cache-Control"), "no-store")
            self.assertGreaterEqual(len(browser.session_id), 40)  # >= 128 bits, url-safe

            for creds in (dict(token=token), None):
                if creds:
                    status, problem = server.api("GET", "/api/v1/alerts", **creds)
                else:
                    status, problem = browser.api("GET", "/api/v1/alerts")
                self.assertEqual(status, 403)
                self.assertIn("password change required", problem["detail"])
            self.assertEqual(browser.api("GET", "/api/v1/me")[1]["must_change_password"], True)
            self.assertEqual(browser.api("GET", "/api/v1/session")[0], 200)

            new = "correct horse battery staple"
            status, problem = browser.api("POST", "/api/v1/me/password",
                                          {"current_password": password, "new_password": new}, csrf=False)
            self.assertEqual(status, 403)
            self.assertIn("X-CSRF-Token", problem["detail"])
            status, problem = browser.api("POST", "/api/v1/me/password",
                                          {"current_password": "wrong", "new_password": new})
            self.assertEqual((status, problem["detail"]), (400, "current_password: is not correct"))
            status, problem = browser.api("POST", "/api/v1/me/password",
                                          {"current_password": password, "new_password": "short"})
            self.assertEqual(status, 400)
            self.assertIn("new_password: must be at least 10 characters", problem["detail"])
            self.assertEqual(browser.api("POST", "/api/v1/me/password",
                                         {"current_password": password, "new_password": new})[0], 204)

            self.assertEqual(browser.api("GET", "/api/v1/alerts")[0], 200)
            self.assertEqual(server.api("GET", "/api/v1/alerts", token=token)[0], 200)
            self.assertEqual(Browser(server).sign_in("admin", password)[0], 401)
            self.assertEqual(Browser(server).sign_in("admin", new)[0], 201)
            log = server.read_log()
            for secret in (password, new, token, browser.session_id, browser.csrf):
                self.assertNotIn(secret, log)


class SessionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BellwetherServer().start()
        cls.ops = cls.server.create_user("ops", admin=True)
        for name in ("alice", "bob"):
            status, body = cls.server.api("POST", "/api/v1/users",
                                          {"name": name, "password": f"{name}-initial-pw"}, token=cls.ops)
            assert status == 201, body
        cls.alice_pw = cls.set_password("alice")
        cls.bob_pw = cls.set_password("bob")

    @classmethod
    def set_password(cls, name):
        browser = Browser(cls.server)
        assert browser.sign_in(name, f"{name}-initial-pw")[0] == 201
        password = f"{name}-long-password"
        status, body = browser.api("POST", "/api/v1/me/password",
                                   {"current_password": f"{name}-initial-pw", "new_password": password})
        assert status == 204, body
        return password

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def signed_in(self, name="alice"):
        browser = Browser(self.server)
        status, _, body = browser.sign_in(name, self.alice_pw if name == "alice" else self.bob_pw)
        self.assertEqual(status, 201, body)
        return browser

    def test_get_session_returns_the_user_and_the_csrf_token(self):
        browser = self.signed_in()
        status, body = browser.api("GET", "/api/v1/session")
        self.assertEqual(status, 200)
        self.assertEqual(body["user"]["name"], "alice")
        self.assertEqual(body["csrf_token"], browser.csrf)
        self.assertIn("expires_at", body)

    def test_each_sign_in_issues_a_fresh_id_and_ends_the_one_the_browser_sent(self):
        browser = self.signed_in()
        old = browser.session_id
        self.assertEqual(browser.sign_in("alice", self.alice_pw)[0], 201)
        self.assertNotEqual(browser.session_id, old)
        status, _, _ = self.server.request("GET", "/api/v1/me", headers={"Cookie": f"bw_session={old}"})
        self.assertEqual(status, 401)
        self.assertEqual(browser.api("GET", "/api/v1/me")[0], 200)

    def test_a_wrong_password_or_unknown_user_is_the_same_401(self):
        for user, password in (("alice", "not-her-password"), ("nobody", "whatever-password")):
            status, headers, body = Browser(self.server).sign_in(user, password)
            self.assertEqual((status, body["detail"]), (401, "invalid username or password"))
            self.assertNotIn("Set-Cookie", headers)

    def test_sign_in_validates_its_body(self):
        for body, field in (({"password": "x"}, "username"), ({"username": "alice"}, "password"),
                            ({"username": "alice", "password": 5}, "password")):
            status, problem = self.server.api("POST", "/api/v1/session", body)
            self.assertEqual(status, 400)
            self.assertTrue(problem["detail"].startswith(field + ":"), problem)

    def test_cookie_writes_need_the_csrf_token_and_change_nothing_without_it(self):
        browser = self.signed_in()
        alert = {"symbol": "CSRF", "condition": {"type": "above", "price": 10}}
        status, problem = browser.api("POST", "/api/v1/alerts", alert, csrf=False)
        self.assertEqual(status, 403)
        self.assertIn("X-CSRF-Token", problem["detail"])
        status, _ = browser.api("POST", "/api/v1/alerts", alert,
                                csrf=False, headers={"X-CSRF-Token": "bws_forged"})
        self.assertEqual(status, 403)
        items = browser.api("GET", "/api/v1/alerts")[1]["items"]  # reads need no token
        self.assertEqual([a for a in items if a["symbol"] == "CSRF"], [])
        status, created = browser.api("POST", "/api/v1/alerts", alert)
        self.assertEqual(status, 201, created)
        self.assertEqual(browser.api("DELETE", f"/api/v1/alerts/{created['id']}", csrf=False)[0], 403)
        self.assertEqual(browser.api("DELETE", f"/api/v1/alerts/{created['id']}")[0], 204)

    def test_bearer_token_writes_need_no_csrf_token(self):
        status, _ = self.server.api("POST", "/api/v1/tokens", {"label": "x"}, token=self.ops)
        self.assertEqual(status, 201)

    def test_sign_out_ends_the_session_and_clears_the_cookie(self):
        browser = self.signed_in()
        self.assertEqual(browser.request("DELETE", "/api/v1/session", csrf=False)[0], 403)
        status, headers, _ = browser.request("DELETE", "/api/v1/session")
        self.assertEqual(status, 204)
        value, attributes = cookie_of(headers)
        self.assertEqual((value, "Max-Age=0" in attributes), ("", True))
        status, problem = browser.api("GET", "/api/v1/me")
        self.assertEqual(status, 401)
        self.assertIn("sign in again", problem["detail"])

    def test_users_see_only_their_own_data_through_sessions(self):
        alice, bob = self.signed_in("alice"), self.signed_in("bob")
        status, created = alice.api("POST", "/api/v1/alerts",
                                    {"symbol": "MINE", "condition": {"type": "above", "price": 10}})
        self.assertEqual(status, 201)
        self.assertEqual(bob.api("GET", f"/api/v1/alerts/{created['id']}")[0], 404)
        self.assertEqual(bob.api("DELETE", f"/api/v1/alerts/{created['id']}")[0], 404)
        self.assertNotIn(created["id"], [a["id"] for a in bob.api("GET", "/api/v1/alerts")[1]["items"]])
        status, problem = bob.api("GET", "/api/v1/users")
        self.assertEqual(status, 403)

    def test_the_stream_accepts_the_session_cookie(self):
        browser = self.signed_in()
        origin = f"http://127.0.0.1:{self.server.web_port}"
        with self.server.stream() as anonymous:
            self.assertEqual(anonymous.status, 401)
        headers = {"Cookie": f"bw_session={browser.session_id}", "Origin": origin}
        with SseClient(self.server.stream_port, "/api/v1/events", headers) as events:
            self.assertEqual(events.status, 200)
            self.assertEqual(events.headers["access-control-allow-origin"], origin)
            self.assertEqual(events.headers["access-control-allow-credentials"], "true")
        with SseClient(self.server.stream_port, "/api/v1/events", {"Cookie": "bw_session=bws_unknown"}) as events:
            self.assertEqual(events.status, 401)

    def test_tokens_are_shown_once_listed_without_secret_and_revocable_only_by_their_owner(self):
        alice, bob = self.signed_in("alice"), self.signed_in("bob")
        status, created = alice.api("POST", "/api/v1/tokens", {"label": "laptop"})
        self.assertEqual(status, 201)
        token = created["token"]
        self.assertTrue(token.startswith("bw_"))
        listed = alice.api("GET", "/api/v1/tokens")[1]["items"]
        self.assertIn({"id": created["id"], "label": "laptop", "created_at": created["created_at"]}, listed)
        self.assertNotIn(token, json.dumps(listed))
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=token)[1]["name"], "alice")
        self.assertNotIn(created["id"], [t["id"] for t in bob.api("GET", "/api/v1/tokens")[1]["items"]])
        self.assertEqual(bob.api("DELETE", f"/api/v1/tokens/{created['id']}")[0], 404)
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=token)[0], 200)
        self.assertEqual(alice.api("DELETE", f"/api/v1/tokens/{created['id']}")[0], 204)
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=token)[0], 401)
        status, problem = alice.api("POST", "/api/v1/tokens", {"label": 7})
        self.assertEqual((status, problem["detail"]), (400, "label: must be a string"))

    def test_non_admins_never_reach_admin_endpoints(self):
        bob = self.signed_in("bob")
        for method, path, body in (("GET", "/api/v1/users", None),
                                   ("POST", "/api/v1/users", {"name": "eve", "password": "x" * 12}),
                                   ("GET", "/api/v1/users/1", None),
                                   ("PATCH", "/api/v1/users/1", {"disabled": True}),
                                   ("DELETE", "/api/v1/users/1", None),
                                   ("POST", "/api/v1/users/1/password", {})):
            status, problem = bob.api(method, path, body)
            self.assertEqual(status, 403, (method, path))
            self.assertIn("administrators only", problem["detail"])
        self.assertEqual(self.server.api("GET", "/api/v1/users/1", token=self.ops)[0], 200)


class AdminUsersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BellwetherServer().start()
        cls.ops = cls.server.create_user("ops", admin=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def admin(self, method, path, body=None):
        return self.server.api(method, path, body, token=self.ops)

    def test_create_validates_and_rejects_duplicates(self):
        self.assertEqual(self.admin("POST", "/api/v1/users", {"name": "has space"})[0], 400)
        status, problem = self.admin("POST", "/api/v1/users", {"name": "carl", "password": "short"})
        self.assertEqual((status, problem["detail"]), (400, "password: must be at least 10 characters"))
        self.assertEqual(self.admin("POST", "/api/v1/users", {"name": "carl", "admin": "yes"})[0], 400)
        self.assertEqual(self.admin("POST", "/api/v1/users", {"name": "carl"})[0], 201)
        status, problem = self.admin("POST", "/api/v1/users", {"name": "carl"})
        self.assertEqual(status, 409)
        self.assertIn("already exists", problem["detail"])

    def test_a_generated_password_is_shown_once_and_must_be_changed(self):
        status, user = self.admin("POST", "/api/v1/users", {"name": "dana"})
        self.assertEqual(status, 201)
        self.assertTrue(user["must_change_password"])
        browser = Browser(self.server)
        self.assertEqual(browser.sign_in("dana", user["initial_password"])[0], 201)
        self.assertEqual(browser.api("GET", "/api/v1/alerts")[0], 403)
        listed = self.admin("GET", "/api/v1/users")[1]["items"]
        self.assertNotIn("initial_password", json.dumps(listed))
        self.assertIn("dana", [u["name"] for u in listed])

    def test_disable_locks_out_sessions_tokens_and_sign_in_until_enabled(self):
        status, user = self.admin("POST", "/api/v1/users", {"name": "erin", "password": "erin-password"})
        browser = Browser(self.server)
        self.assertEqual(browser.sign_in("erin", "erin-password")[0], 201)
        browser.api("POST", "/api/v1/me/password", {"current_password": "erin-password",
                                                    "new_password": "erin-password-2"})
        token = browser.api("POST", "/api/v1/tokens", {"label": "t"})[1]["token"]
        status, body = self.admin("PATCH", f"/api/v1/users/{user['id']}", {"disabled": True})
        self.assertEqual((status, body["disabled"]), (200, True))
        self.assertEqual(browser.api("GET", "/api/v1/me")[0], 401)
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=token)[0], 401)
        self.assertEqual(Browser(self.server).sign_in("erin", "erin-password-2")[0], 401)
        self.assertEqual(self.admin("PATCH", f"/api/v1/users/{user['id']}", {"name": "x"})[0], 400)
        self.assertEqual(self.admin("PATCH", f"/api/v1/users/{user['id']}", {"disabled": False})[0], 200)
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=token)[0], 200)
        self.assertEqual(Browser(self.server).sign_in("erin", "erin-password-2")[0], 201)

    def test_reset_password_ends_sessions_and_requires_a_change(self):
        status, user = self.admin("POST", "/api/v1/users", {"name": "finn", "password": "finn-password"})
        browser = Browser(self.server)
        self.assertEqual(browser.sign_in("finn", "finn-password")[0], 201)
        status, body = self.admin("POST", f"/api/v1/users/{user['id']}/password", {})
        self.assertEqual(status, 200)
        self.assertTrue(body["must_change_password"])
        self.assertEqual(browser.api("GET", "/api/v1/me")[0], 401)
        self.assertEqual(Browser(self.server).sign_in("finn", "finn-password")[0], 401)
        self.assertEqual(Browser(self.server).sign_in("finn", body["initial_password"])[0], 201)

    def test_delete_removes_the_user_and_their_credentials(self):
        status, user = self.admin("POST", "/api/v1/users", {"name": "gus", "password": "gus-password"})
        token = self.server.cli("token", "create", "gus").stdout.strip()
        self.assertEqual(self.admin("DELETE", f"/api/v1/users/{user['id']}")[0], 204)
        self.assertEqual(self.server.api("GET", "/api/v1/me", token=token)[0], 401)
        self.assertEqual(self.admin("GET", f"/api/v1/users/{user['id']}")[0], 404)
        self.assertEqual(self.admin("DELETE", f"/api/v1/users/{user['id']}")[0], 404)
        self.assertEqual(self.admin("DELETE", "/api/v1/users/nonsense")[0], 404)

    def test_the_last_enabled_admin_cannot_be_disabled_or_deleted(self):
        me = self.server.api("GET", "/api/v1/me", token=self.ops)[1]
        first_admin = [u for u in self.admin("GET", "/api/v1/users")[1]["items"] if u["name"] == "admin"][0]
        self.assertEqual(self.admin("PATCH", f"/api/v1/users/{first_admin['id']}", {"disabled": True})[0], 200)
        status, problem = self.admin("PATCH", f"/api/v1/users/{me['id']}", {"disabled": True})
        self.assertEqual(status, 409)
        self.assertIn("last enabled administrator", problem["detail"])
        self.assertEqual(self.admin("DELETE", f"/api/v1/users/{me['id']}")[0], 409)
        self.assertEqual(self.admin("PATCH", f"/api/v1/users/{first_admin['id']}", {"disabled": False})[0], 200)


class RateLimitTest(unittest.TestCase):
    def test_failed_sign_ins_are_limited_per_account_and_per_address(self):
        config = "[auth]\nmax_failures_per_account = 3\nmax_failures_per_address = 5\n"
        with BellwetherServer(extra_config=config) as server:
            ops = server.create_user("ops", admin=True)
            server.api("POST", "/api/v1/users", {"name": "hana", "password": "hana-password"}, token=ops)
            for _ in range(3):
                self.assertEqual(Browser(server).sign_in("hana", "wrong-password")[0], 401)
            status, headers, problem = Browser(server).sign_in("hana", "hana-password")
            self.assertEqual(status, 429, problem)  # even the right password waits
            self.assertGreaterEqual(int(headers["Retry-After"]), 1)
            self.assertIn("too many failed sign-in attempts", problem["detail"])
            # Two more failures for other names reach the address limit of 5.
            for name in ("ivan", "jill"):
                self.assertEqual(Browser(server).sign_in(name, "wrong-password")[0], 401)
            status, headers, _ = Browser(server).sign_in("kate", "anything-at-all")
            self.assertEqual(status, 429)
            self.assertIn("Retry-After", headers)


class ExpiryTest(unittest.TestCase):
    def test_a_session_ends_after_its_idle_timeout(self):
        config = "[auth]\nsession_idle_timeout = \"1s\"\nsession_max_age = \"1h\"\n"
        with BellwetherServer(extra_config=config) as server:
            ops = server.create_user("ops", admin=True)
            server.api("POST", "/api/v1/users", {"name": "lea", "password": "lea-password"}, token=ops)
            browser = Browser(server)
            self.assertEqual(browser.sign_in("lea", "lea-password")[0], 201)
            time.sleep(1.5)
            self.assertEqual(browser.api("GET", "/api/v1/me")[0], 401)

    def test_a_session_ends_at_its_maximum_age_even_while_in_use(self):
        config = "[auth]\nsession_idle_timeout = \"2s\"\nsession_max_age = \"3s\"\n"
        with BellwetherServer(extra_config=config) as server:
            ops = server.create_user("ops", admin=True)
            server.api("POST", "/api/v1/users", {"name": "max", "password": "max-password"}, token=ops)
            browser = Browser(server)
            self.assertEqual(browser.sign_in("max", "max-password")[0], 201)
            deadline = time.monotonic() + 3.5
            while time.monotonic() < deadline:
                browser.api("GET", "/api/v1/me")  # keeps it from going idle
                time.sleep(0.3)
            self.assertEqual(browser.api("GET", "/api/v1/me")[0], 401)

    def test_bad_auth_config_is_reported_with_its_location(self):
        server = BellwetherServer(extra_config="[auth]\nsession_idle_timeout = \"13h\"\nmin_password_length = 3\n")
        try:
            result = subprocess.run([BIN, "config", "check", server.config], capture_output=True, text=True,
                                    timeout=60)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("bellwether.toml:14:", result.stdout + result.stderr)
            self.assertIn("auth.session_idle_timeout: must not be longer than session_max_age", result.stderr + result.stdout)
            self.assertIn("auth.min_password_length: must be between 8 and 128", result.stderr + result.stdout)
        finally:
            server.tmp.cleanup()


if __name__ == "__main__":
    unittest.main()
