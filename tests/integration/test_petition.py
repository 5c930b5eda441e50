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

import subprocess

from test_email import SmtpServer, confirmation_path, wait_for, text_of
from twinning_process import SOURCE_DIR, Server, run

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
        status, _, _ = self.server.request("GET", confirmation_path(self.smtp, to))
        self.assertEqual(status, 200)

    def test_deliver_sends_each_to_target_a_pdf_of_the_petition(self):
        data = os.path.join(self.tmp, "data")
        campaigns = os.path.join(SOURCE_DIR, "campaigns")
        r = run("petition", "deliver", CAMPAIGN, "--data", data, "--campaigns", campaigns)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no confirmed signature yet", r.stderr)
        for email, country, comment in (("ada@example.net", "DK", "For the dogs of Naju"),
                                        ("bo@example.net", "KR", ""), ("cy@example.net", "DK", "")):
            status, answer = self.sign("en", email, country=country, comment=comment)
            self.assertEqual(status, 202, answer)
            if email != "cy@example.net":  # unconfirmed: does not count
                self.confirm(email)
        out = os.path.join(self.tmp, "pdfs")
        r = run("petition", "deliver", CAMPAIGN, "--data", data, "--campaigns", campaigns, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 signatures, 2 countries, 1 comments -> haderslev-mayor", r.stdout)
        self.assertIn("2 message(s) queued", r.stdout)

        def delivered():
            mails = [m for envelope, m in self.smtp.messages()
                     if envelope["rcpt_tos"] in (["borgmester@haderslev.example.org"], ["byraad@haderslev.example.org"])]
            return mails if len(mails) == 2 else None
        mails = wait_for(delivered, what="the petition to both To targets")
        for mail in mails:
            self.assertEqual(mail.get_content_type(), "multipart/mixed")
            files = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
            self.assertEqual(len(files), 1)
            self.assertTrue(files[0].get_filename().startswith("petition-naju-haderslev"))
            pdf = os.path.join(self.tmp, "got.pdf")
            with open(pdf, "wb") as f:
                f.write(files[0].get_payload(decode=True))
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True,
                                  check=True).stdout
            self.assertIn("2 personer har skrevet under", text)  # Danish: the targets read Danish
            self.assertIn("Danmark: 1", text)
            self.assertIn("Sydkorea: 1", text)
            self.assertIn("For the dogs of Naju", text)
            self.assertNotIn("ada@example.net", text)  # no emails, no names
            self.assertIn("2 personer har skrevet under", text_of(mail))
        self.assertEqual(len(os.listdir(out)), 2)

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
        # The page's progress line counts every counted action (here the three signatures).
        status, _, body = self.server.request("GET", f"/{CAMPAIGN}/da/progress")
        self.assertEqual(status, 200)
        progress = json.loads(body)
        self.assertEqual((progress["count"], progress["channels"]), (3, {"petition": 3}))
        self.assertEqual(progress["text"], "3 handlinger indtil nu")
        status, _, _ = self.server.request("GET", f"/{CAMPAIGN}/xx/progress")
        self.assertEqual(status, 404)
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
