"""The supporters' rate limits from the real binary: per email, per email and official, per client
address; a limited form gets 429 with Retry-After and the page again in the visitor's language with
every value kept (JSON for fetch); a resubmitted action is not counted twice; the limits hold across
a restart; the store keeps no raw address or email for them. Each test fails if its rule is removed."""
import json
import os
import shutil
import signal
import sqlite3
import tempfile
import unittest
import urllib.parse

from twinning_process import Server

CAMPAIGN = "naju-haderslev"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


class RateLimitTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-limits-")
        self.data = os.path.join(self.tmp, "data")
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.kill(signal.SIGTERM)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, per_address=0, per_email=0, per_target=0):
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"rate_limits:\n  per_address: {per_address}\n  per_email: {per_email}\n"
                    f"  per_target: {per_target}\n")
        self.server = Server(self.data, config=config).start()

    def action(self, key, email="ada@example.net", channel="call", target="haderslev-mayor", lang="en",
               headers=JSON, name="Ada <b>Lovelace</b>"):
        fields = {"name": name, "email": email, "country": "GB", "channel": channel, "target": target,
                  "idempotency_key": f"rate-limit-test-{key:04d}-xxxxxx"}
        body = json.dumps(fields) if headers is JSON else urllib.parse.urlencode(fields)
        status, headers_out, data = self.server.request("POST", f"/{CAMPAIGN}/{lang}/action", body=body.encode(),
                                                        headers=headers)
        return status, headers_out, data.decode()

    def test_per_email_limit_answers_429_with_the_form_kept_in_the_visitors_language(self):
        self.start(per_email=2)
        self.assertEqual(self.action(1)[0], 201)
        self.assertEqual(self.action(2, email="ADA@example.net")[0], 201)  # the same person, any case
        # A resubmission of a recorded action is answered as before and counts nothing.
        self.assertEqual(self.action(2, email="ADA@example.net")[0], 200)
        status, headers, body = self.action(3)
        self.assertEqual(status, 429, body)
        self.assertEqual(json.loads(body)["rule"], "per_email")
        self.assertGreater(int(headers["retry-after"]), 0)
        # Without JavaScript: the page again, in Danish, with what was typed (escaped) and the reason.
        status, headers, page = self.action(4, lang="da", headers=FORM)
        self.assertEqual(status, 429)
        self.assertIn("Retry-After".lower(), headers)
        self.assertIn("mange handlinger med denne e-mailadresse", page)
        self.assertIn('value="Ada &lt;b&gt;Lovelace&lt;/b&gt;"', page)
        self.assertIn('id="a-errors"', page)
        # Another person is not limited by Ada's actions.
        self.assertEqual(self.action(5, email="bo@example.net")[0], 201)

    def test_per_target_limit_counts_messages_to_one_official_from_one_supporter(self):
        self.start(per_target=2)
        self.assertEqual(self.action(1, channel="email")[0], 201)
        self.assertEqual(self.action(2, channel="email")[0], 201)
        status, _, body = self.action(3, channel="email")
        self.assertEqual(status, 429, body)
        self.assertEqual(json.loads(body)["rule"], "per_target")
        self.assertIn("this official", json.loads(body)["message"])
        # Another official, another supporter, or a channel that sends no message: not limited.
        self.assertEqual(self.action(4, channel="email", target="haderslev-council")[0], 201)
        self.assertEqual(self.action(5, channel="email", email="bo@example.net")[0], 201)
        self.assertEqual(self.action(6, channel="call")[0], 201)

    def test_per_address_limit_holds_across_a_restart(self):
        self.start(per_address=2)
        self.assertEqual(self.action(1, email="a@example.net")[0], 201)
        self.assertEqual(self.action(2, email="b@example.net")[0], 201)
        self.assertEqual(self.action(3, email="c@example.net")[0], 429)
        self.server.kill(signal.SIGTERM)
        self.start(per_address=2)
        status, _, body = self.action(4, email="d@example.net")
        self.assertEqual(status, 429, body)
        self.assertEqual(json.loads(body)["rule"], "per_address")

    def test_the_store_keeps_no_raw_address_or_email_for_the_limits(self):
        self.start(per_address=50, per_email=50, per_target=50)
        for i in range(3):
            self.assertEqual(self.action(i, channel="email", email=f"person{i}@example.net")[0], 201)
        self.server.kill(signal.SIGTERM)
        self.server = None
        db = sqlite3.connect(os.path.join(self.data, "twinning.db"))
        rows = db.execute("SELECT bucket, count FROM rate_counts").fetchall()
        self.assertEqual(sum(n for b, n in rows if b.startswith("ip:")), 3)
        self.assertEqual(len([b for b, _ in rows if b.startswith("email:")]), 3)
        self.assertEqual(len([b for b, _ in rows if b.startswith("target:")]), 3)
        text = "\n".join(b for b, _ in rows)
        for secret in ("127.0.0.1", "example.net", "person0", "haderslev"):
            self.assertNotIn(secret, text)
        key = os.path.join(self.data, "rate-limit.key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)


if __name__ == "__main__":
    unittest.main()
