"""The OpenAPI 3.1 document at /api/v1/openapi.json matches the server: every
route registered in web/api_server.cpp is documented (and nothing else is),
every documented operation is routed, and real responses of the main
endpoints have the documented status codes and shapes."""
import json
import os
import re
import unittest

from harness import BellwetherServer

SOURCE = os.path.join(os.path.dirname(__file__), "../../web/api_server.cpp")
UI_ROUTES = {"/", r"/([A-Za-z0-9_-]+\.(html|js|css|svg|png|ico))"}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def registered_routes():
    """(METHOD, path with {} for parameters) for every route in api_server.cpp."""
    with open(SOURCE) as f:
        text = f.read()
    routes = set()
    # Routes are registered through the get/post/patch/del wrappers (which label
    # request metrics by route).
    for method, raw, plain in re.findall(r'(?<![\w.>])(get|post|put|patch|del)\(\s*(?:R"\((.*?)\)"|"(.*?)")', text):
        method = "delete" if method == "del" else method
        path = raw or plain
        if path in UI_ROUTES:
            continue
        routes.add((method.upper(), path.replace("([^/]+)", "{}")))
    return routes


def documented_routes(doc):
    return {(method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
            for path, item in doc["paths"].items() for method in item}


class SchemaError(AssertionError):
    pass


def check(doc, schema, value, where="$"):
    """A small JSON Schema check: $ref, type, const, enum, required, properties,
    additionalProperties: false, items, format date-time."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return check(doc, doc["components"]["schemas"][name], value, where)
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        ok = {"object": isinstance(value, dict), "array": isinstance(value, list), "string": isinstance(value, str),
              "boolean": isinstance(value, bool), "null": value is None,
              "integer": isinstance(value, int) and not isinstance(value, bool),
              "number": isinstance(value, (int, float)) and not isinstance(value, bool)}
        if not any(ok[t] for t in types):
            raise SchemaError(f"{where}: {value!r} is not {types}")
    if "const" in schema and value != schema["const"]:
        raise SchemaError(f"{where}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaError(f"{where}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "date-time" and isinstance(value, str) and not DATE_TIME.match(value):
        raise SchemaError(f"{where}: {value!r} is not an RFC 3339 UTC time")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                raise SchemaError(f"{where}: missing {name}")
        properties = schema.get("properties", {})
        for name, member in value.items():
            if name in properties:
                check(doc, properties[name], member, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                raise SchemaError(f"{where}: undocumented member {name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(doc, schema["items"], item, f"{where}[{i}]")


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BellwetherServer().start()
        cls.ops = cls.server.create_user("ops", admin=True)
        status, headers, text = cls.server.request("GET", "/api/v1/openapi.json")
        assert status == 200, (status, text)
        cls.content_type = headers.get("Content-Type", "")
        cls.doc = json.loads(text)

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_the_document_is_openapi_3_1_served_as_json(self):
        self.assertTrue(self.content_type.startswith("application/json"), self.content_type)
        self.assertEqual(self.doc["openapi"], "3.1.0")
        self.assertIn("bearer", self.doc["components"]["securitySchemes"])
        self.assertIn("session", self.doc["components"]["securitySchemes"])

    def test_every_registered_route_is_documented_and_nothing_else(self):
        routes = registered_routes()
        self.assertGreater(len(routes), 20)  # the parser found the routes
        documented = documented_routes(self.doc)
        self.assertEqual(sorted(routes - documented), [], "routes missing from openapi.json")
        self.assertEqual(sorted(documented - routes), [], "documented operations the server does not have")

    def test_every_documented_operation_is_routed(self):
        for method, path in sorted(documented_routes(self.doc)):
            concrete = path.replace("{}", "999999")
            status, _, text = self.server.request(method, concrete, token=self.ops,
                                                  raw=b"{}" if method in ("POST", "PATCH") else None)
            if status == 404:
                self.assertNotIn("no route for", text, f"{method} {concrete}")

    def call(self, method, path, body=None, token=None, expect=None, headers=None):
        """Calls the server and checks the status is documented and the body matches."""
        token = self.ops if token is None else token
        status, response_headers, text = self.server.request(method, path, body, token=token or None, headers=headers)
        if expect is not None:
            self.assertEqual(status, expect, text)
        template = None
        for documented_path in self.doc["paths"]:
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(documented_path)) + "$"
            if re.match(pattern, path.split("?")[0]):
                template = documented_path
        self.assertIsNotNone(template, path)
        operation = self.doc["paths"][template][method.lower()]
        self.assertIn(str(status), operation["responses"], f"{method} {path} answered undocumented {status}")
        response = operation["responses"][str(status)]
        content = response.get("content", {})
        if not text:
            self.assertEqual(content, {}, f"{method} {path} {status} documents a body but sent none")
            return status, response_headers, None
        media = response_headers.get("Content-Type", "").split(";")[0]
        self.assertIn(media, content, f"{method} {path} {status}: {media} not documented")
        body_value = json.loads(text)
        check(self.doc, content[media]["schema"], body_value, f"{method} {path} {status}")
        return status, response_headers, body_value

    def test_responses_of_the_main_endpoints_match_their_schemas(self):
        self.call("GET", "/healthz", token="", expect=200)
        self.call("GET", "/api/v1/info", token="", expect=200)
        self.call("GET", "/api/v1/me", expect=200)
        self.call("GET", "/api/v1/me", token="bw_wrong", expect=401)
        _, _, user = self.call("POST", "/api/v1/users", {"name": "olga"}, expect=201)
        self.call("POST", "/api/v1/users", {"name": "olga"}, expect=409)
        self.call("GET", "/api/v1/users", expect=200)
        self.call("GET", f"/api/v1/users/{user['id']}", expect=200)
        self.call("PATCH", f"/api/v1/users/{user['id']}", {"disabled": False}, expect=200)
        _, _, reset = self.call("POST", f"/api/v1/users/{user['id']}/password", {"password": "olga-password"}, expect=200)
        self.call("GET", "/api/v1/users/424242", expect=404)

        status, headers, session = self.call("POST", "/api/v1/session",
                                             {"username": "olga", "password": "olga-password"}, token="", expect=201)
        cookie = {"Cookie": headers["Set-Cookie"].split(";")[0]}
        self.call("POST", "/api/v1/session", {"username": "olga"}, token="", expect=400)
        self.call("GET", "/api/v1/session", token="", headers=cookie, expect=200)
        self.call("GET", "/api/v1/alerts", token="", headers=cookie, expect=403)  # password change first
        self.call("POST", "/api/v1/me/password", {"current_password": "olga-password", "new_password": "olga-password-2"},
                  token="", headers={**cookie, "X-CSRF-Token": session["csrf_token"]}, expect=204)

        _, _, token = self.call("POST", "/api/v1/tokens", {"label": "spec"}, expect=201)
        self.call("GET", "/api/v1/tokens", expect=200)
        self.call("DELETE", f"/api/v1/tokens/{token['id']}", expect=204)
        self.call("DELETE", f"/api/v1/tokens/{token['id']}", expect=404)

        alert = {"symbol": "SPEC", "condition": {"type": "above", "price": 10}, "name": "spec"}
        _, _, created = self.call("POST", "/api/v1/alerts", alert, expect=201)
        self.call("POST", "/api/v1/alerts", {"symbol": "SPEC"}, expect=400)
        self.call("GET", "/api/v1/alerts", expect=200)
        self.call("GET", f"/api/v1/alerts/{created['id']}", expect=200)
        self.call("POST", "/api/v1/quotes", [{"symbol": "SPEC", "price": 11, "volume": 5}], expect=202)
        self.server.wait_for(lambda: self.server.api("GET", "/api/v1/notifications", token=self.ops)[1]["items"],
                             what="the notification")
        self.call("GET", "/api/v1/quotes", expect=200)
        self.call("GET", "/api/v1/quotes/SPEC", expect=200)
        self.call("GET", "/api/v1/quotes/NONE", expect=404)
        _, _, notifications = self.call("GET", "/api/v1/notifications?limit=5", expect=200)
        self.assertEqual(len(notifications["items"]), 1)
        self.call("GET", "/api/v1/notifications?limit=0", expect=400)
        self.call("GET", "/api/v1/notifications?symbol=SPEC&since=2020-01-01&limit=1", expect=200)
        self.call("GET", "/api/v1/alerts?limit=1", expect=200)
        self.call("GET", "/api/v1/alerts?cursor=x", expect=400)
        self.call("GET", "/api/v1/quotes/SPEC/bars?interval=1m", expect=200)
        self.call("GET", "/api/v1/quotes/SPEC/bars?interval=7m", expect=400)
        self.call("GET", "/api/v1/channels?limit=2", expect=200)
        self.call("POST", "/api/v1/channels/424242/test", expect=404)
        self.call("DELETE", f"/api/v1/alerts/{created['id']}", expect=204)
        self.call("DELETE", f"/api/v1/users/{user['id']}", expect=204)


if __name__ == "__main__":
    unittest.main()
