"""The petition end to end: the real binary and a real SMTP server. A signature counts only once
its confirmation link is opened; a second signature of the same person (any case, IDN spelling)
says "already signed" and writes nothing; the counter speaks en, da and ko."""
import json
import os
import re
import shutil
import signal
import tempfile
import unittest

from test_email import SmtpServer, wait_for, text_of
from twinning_process import Server

CAMPAIGN = "naju-haderslev"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class PetitionFlowTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-petition-")
        self.smtp = SmtpServer(os.path.join(self.tmp, "mail"))
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{self.smtp.port}\n  poll_interval_ms: 100\n")
        self.server = Server(os.path.join(self.tmp, "data"), config=config).start()

    def tearDown(self):
        self.server.kill(signal.SIGTERM)
        self.smtp.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def sign(self, lang, email, **fields):
        body = dict(name="Søren Ærø", email=email, country="DK", comment="Line one\n<b>two</b>",
                    consent_public="yes")
        body.update(fields)
        status, _, answer = self.server.request("POST", f"/{CAMPAIGN}/{lang}/petition", body=json.dumps(body),
                                                headers=JSON_HEADERS)
        return status, json.loads(answer)

    def count(self, lang):
        status, headers, body = self.server.request("GET", f"/{CAMPAIGN}/{lang}/petition/count")
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def confirm(self, to):
        def find():
            for envelope, msg in self.smtp.messages():
                if envelope["rcpt_tos"] == [to]:
                    m = re.search(r"http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)", text_of(msg))
                    if m:
                        return m.group(1)
            return None
        status, _, _ = self.server.request("GET", wait_for(find, what="the confirmation mail to " + to))
        self.assertEqual(status, 200)

    def test_signatures_count_once_confirmed_in_three_languages(self):
        self.assertEqual(self.count("en")["count"], 0)
        self.assertEqual(self.count("en")["text"], "0 people have signed")
        for lang, email, name in (("en", "ada@example.net", "Ada Lovelace"), ("da", "soren@example.net", "Søren Ærø"),
                                  ("ko", "minji@example.net", "민지 김")):
            status, answer = self.sign(lang, email, name=name, country="KR" if lang == "ko" else "DK")
            self.assertEqual(status, 202, answer)
            self.assertFalse(answer["already_signed"])
            self.assertEqual(answer["status"], "pending")
            self.confirm(email)
        counter = self.count("da")
        self.assertEqual(counter["count"], 3)
        self.assertEqual(counter["goal"], 1000)
        self.assertEqual(counter["text"], "3 personer har skrevet under")
        self.assertEqual(self.count("ko")["text"], "3명이 서명했습니다")
        self.assertEqual({(s["first_name"], s["country"]) for s in counter["signers"]},
                         {("Ada", "DK"), ("Søren", "DK"), ("민지", "KR")})
        # Without JavaScript: a small server-rendered page with the same numbers. (Korean: the
        # English counter was read at 0 above and may be cached for 5 s, as designed.)
        status, _, page = self.server.request("GET", f"/{CAMPAIGN}/ko/petition")
        self.assertEqual(status, 200)
        self.assertIn("3명이 서명했습니다", page.decode())
        self.assertIn("Søren (DK)", page.decode())

    def test_a_second_signature_says_already_signed_and_reveals_nothing(self):
        status, first = self.sign("da", "soren@example.net", name="Søren Secret")
        self.assertEqual(status, 202, first)
        # Pending and confirmed first signatures get the same answer.
        status, while_pending = self.sign("da", "SOREN@Example.NET", name="Someone Else")
        self.assertEqual(status, 200, while_pending)
        self.confirm("soren@example.net")
        status, once_confirmed = self.sign("da", "soren@example.net", name="Someone Else")
        self.assertEqual(status, 200, once_confirmed)
        answers = [while_pending, once_confirmed]
        self.assertEqual(answers[0], answers[1])
        self.assertTrue(answers[0]["already_signed"])
        self.assertNotIn("Secret", json.dumps(answers[0], ensure_ascii=False))
        self.assertEqual(self.count("en")["count"], 1)

    def test_malformed_signatures_are_refused(self):
        status, answer = self.sign("en", "not-an-address")
        self.assertEqual(status, 400, answer)
        status, answer = self.sign("en", "ada@example.net", comment="x" * 1001)
        self.assertEqual(status, 400, answer)
        status, answer = self.sign("en", "ada@example.net", channel="email")
        self.assertEqual(status, 400, answer)
        self.assertEqual(self.count("en")["count"], 0)


if __name__ == "__main__":
    unittest.main()
