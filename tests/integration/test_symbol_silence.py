"""[ingest] symbol_silence on the real binary: the key reloads live, and a bad
value is refused with file:line:col while the running configuration stays.
(The silence decision itself depends on the New York session clock, so it is
specified by the unit tests with explicit timestamps, not here.)"""
import unittest

from harness import BellwetherServer


class SymbolSilenceConfigTest(unittest.TestCase):
    def setUp(self):
        self.server = BellwetherServer().start()
        self.ops = self.server.create_user("ops", admin=True)

    def tearDown(self):
        self.server.__exit__(None, None, None)

    def reload(self):
        return self.server.api("POST", "/api/v1/admin/reload", token=self.ops)

    def test_symbol_silence_applies_on_reload(self):
        self.server.write_config(extra_config='[ingest]\nsymbol_silence = "5m"\n')
        status, body = self.reload()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["applied"], ["ingest.symbol_silence"])
        self.assertEqual(body["restart_required"], [])
        # Off again (the default): applied too.
        self.server.write_config()
        status, body = self.reload()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["applied"], ["ingest.symbol_silence"])

    def test_a_bad_symbol_silence_is_refused_with_its_position(self):
        self.server.write_config(extra_config='[ingest]\nsymbol_silence = "5"\n')
        status, body = self.reload()
        self.assertEqual(status, 422, body)
        self.assertIn(f"{self.server.config}:14:18: ingest.symbol_silence: duration needs a unit",
                      body["detail"])
        result = self.server.cli("config", "check", self.server.config, check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ingest.symbol_silence", result.stderr + result.stdout)


if __name__ == "__main__":
    unittest.main()
