"""Letters from the real binary. The page's form: a download answers the PDF, a request to print and
post waits for the mailed link, then `twinning letters` prints it with its envelopes CSV, once.
`twinning preview --channel letter --pdf` `twinning preview --channel letter --pdf` writes the PDF a
supporter would download (a letter per recipient, then the envelope page) on A4 from Denmark and on
US Letter from the US; poppler-utils read it back. --pdf on another channel is refused."""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest
import urllib.parse

from test_email import SmtpServer, wait_for, text_of
from twinning_process import SOURCE_DIR, Server, run

CAMPAIGNS = os.path.join(SOURCE_DIR, "campaigns")
CAMPAIGN_DIR = os.path.join(CAMPAIGNS, "naju-haderslev")


def poppler(*args):
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


class PreviewLetters(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="twinning-letters-")
        self.addCleanup(self.tmp.cleanup)

    def preview(self, lang, country):
        supporter = os.path.join(self.tmp.name, "supporter.yaml")
        with open(supporter, "w", encoding="utf-8") as f:
            f.write("name: Søren Ærø\ncountry: %s\n" % country)
        pdf = os.path.join(self.tmp.name, "letters-%s-%s.pdf" % (lang, country))
        r = run("preview", CAMPAIGN_DIR, "--channel", "letter", "--lang", lang, "--from", country,
                "--supporter", supporter, "--at", "2026-11-25T12:00:00Z", "--pdf", pdf)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["view"], pdf

    def test_a_letter_per_recipient_then_the_envelopes(self):
        # A4 letters carry the sender three times (DIN 5008's return line in the window, the sender
        # block, the signature); a #10 window has no return line.
        for country, size, times in [("DK", "595.276 x 841.89", 3), ("US", "612 x 792", 2)]:
            with self.subTest(country=country):
                view, pdf = self.preview("en", country)
                info = poppler("pdfinfo", pdf)
                recipients = len(view["recipients"])
                self.assertEqual(recipients, 3)
                self.assertIn("Pages:           %d\n" % (recipients + 1), info)
                self.assertIn(size, info)
                text = poppler("pdftotext", "-enc", "UTF-8", pdf, "-")
                # Danish to Haderslev, Korean to Naju, the sender's name in both.
                self.assertIn("Kære borgmester Mads Skau,", text)
                self.assertIn("존경하는 강인규 시장님께", text)
                self.assertEqual(text.count("Søren Ærø"), 3 * times)
                envelopes = text.split("\f")[recipients]
                self.assertIn("SOUTH KOREA", envelopes)
                self.assertIn("Sicheong-gil", envelopes)
                for line in poppler("pdffonts", pdf).splitlines()[2:]:
                    self.assertIn(" yes ", line)

    def test_pdf_is_only_for_letters(self):
        r = run("preview", CAMPAIGN_DIR, "--channel", "email", "--lang", "en", "--from", "DK",
                "--pdf", os.path.join(self.tmp.name, "x.pdf"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("--pdf is for the letter channel", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x.pdf")))


if __name__ == "__main__":
    unittest.main()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def letter_form(**fields):
    body = {"name": "Søren Ærø", "email": "soren@example.net", "country": "DK",
            "address_line1": "Østergade 12", "address_line2": "8000 Aarhus C", "place": "Aarhus",
            "idempotency_key": "letter-test-key-0001"}
    body.update(fields)
    return urllib.parse.urlencode({k: v for k, v in body.items() if v is not None})


class LetterFormTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-letter-form-")
        self.smtp = SmtpServer(os.path.join(self.tmp, "mail"))
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{self.smtp.port}\n  poll_interval_ms: 100\n")
        self.data = os.path.join(self.tmp, "data")
        self.server = Server(self.data, config=config).start()

    def tearDown(self):
        self.server.kill(signal.SIGTERM)
        self.smtp.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def post(self, lang, body, headers=FORM):
        status, headers, data = self.server.request("POST", f"/naju-haderslev/{lang}/letter", body=body.encode(),
                                                    headers=headers)
        return status, headers, data.decode()

    def pdf_text(self, data):
        path = os.path.join(self.tmp, "answer.pdf")
        with open(path, "wb") as f:
            f.write(data)
        return poppler("pdftotext", "-enc", "UTF-8", path, "-"), poppler("pdfinfo", path)

    def test_the_page_offers_the_form_in_three_languages(self):
        for lang, button in (("en", "Download your letters (PDF)"), ("da", "Hent dine breve (PDF)"),
                             ("ko", "편지 내려받기 (PDF)")):
            status, _, page = self.server.request("GET", f"/naju-haderslev/{lang}/")
            page = page.decode()
            self.assertEqual(status, 200)
            self.assertIn(f'action="/naju-haderslev/{lang}/letter"', page)
            self.assertIn(button, page)
            self.assertIn('name="print_for_me" value="yes"', page)

    def test_download_answers_the_letters_with_the_senders_address(self):
        status, headers, body = self.server.request("POST", "/naju-haderslev/en/letter", body=letter_form(),
                                                          headers=FORM)
        self.assertEqual(status, 200, body[:300])
        self.assertEqual(headers["content-type"], "application/pdf")
        self.assertIn("attachment", headers["content-disposition"])
        text, info = self.pdf_text(body)
        self.assertIn("Pages:           4\n", info)  # three letters and the envelope page
        self.assertIn("Østergade 12", text)
        self.assertRegex(text, r"Aarhus, \d+\. \w+ 20\d\d")  # place and Danish date on the Danish letter
        self.assertIn("Kære borgmester Mads Skau,", text)
        self.assertIn("Kopi til:", text)
        self.assertIn("참조:", text)
        # Downloading again with the address corrected: the same action, the corrected letters.
        status, _, again = self.server.request("POST", "/naju-haderslev/en/letter",
                                                     body=letter_form(address_line1="Østergade 14"), headers=FORM)
        self.assertEqual(status, 200)
        self.assertIn("Østergade 14", self.pdf_text(again)[0])

    def test_a_missing_address_shows_the_form_again_with_the_error(self):
        status, _, page = self.post("da", letter_form(address_line1="  ", idempotency_key="letter-test-key-0002"))
        self.assertEqual(status, 400)
        self.assertIn('id="l-errors"', page)
        self.assertIn('value="Søren Ærø"', page)  # nothing typed is lost
        self.assertIn("aria-invalid", page)
        # A line break in a one-line field, and an overlong line: each named, as JSON for app.js.
        status, _, body = self.post("en", json.dumps({
            "name": "A", "email": "a@example.net", "country": "DK",
            "address_line1": "Street 1\r\nBcc: x@example.net", "address_line2": "x" * 101}),
            headers={"Content-Type": "application/json", "Accept": "application/json"})
        self.assertEqual(status, 400)
        problems = json.loads(body)["problems"]
        self.assertEqual([p["field"] for p in problems], ["address_line1", "address_line2"])

    def test_print_for_me_waits_for_the_link_then_twinning_letters_prints_it_once(self):
        status, _, body = self.post("da", letter_form(print_for_me="yes"),
                                    headers={**FORM, "Accept": "application/json"})
        self.assertEqual(status, 202, body)
        self.assertEqual(json.loads(body)["status"], "pending")
        out = os.path.join(self.tmp, "batch.pdf")
        envelopes = os.path.join(self.tmp, "envelopes.csv")
        # Not confirmed: nothing to print yet.
        r = run("letters", "naju-haderslev", "--data", self.data, "--campaigns", CAMPAIGNS, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no letters to print", r.stdout)
        self.assertFalse(os.path.exists(out))

        def find():
            for envelope, msg in self.smtp.messages():
                m = re.search(r"http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)", text_of(msg))
                if m:
                    return m.group(1), msg
            return None
        link, mail = wait_for(find, what="the confirmation mail")
        self.assertIn("udskrive dine breve", text_of(mail))
        status, _, _ = self.server.request("GET", link)
        self.assertEqual(status, 200)

        r = run("letters", "naju-haderslev", "--data", self.data, "--campaigns", CAMPAIGNS, "--out", out, "--csv", envelopes, "--mark-printed")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 letters for 1 requests", r.stdout)
        self.assertIn("1 requests marked printed", r.stdout)
        text = poppler("pdftotext", "-enc", "UTF-8", out, "-")
        self.assertIn("Pages:           3\n", poppler("pdfinfo", out))
        self.assertEqual(text.count("Østergade 12"), 6)  # sender block and return line on each letter
        with open(envelopes, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1]["window_address"].splitlines()[-1], "SOUTH KOREA")
        self.assertIn("전라남도 나주시", rows[1]["window_address"])
        self.assertIn("Sicheong-gil", rows[1]["outside_address"])
        self.assertEqual(rows[0]["sender_address"], "Østergade 12\n8000 Aarhus C")
        # Marked printed: the next run has nothing, unless asked to print again.
        r = run("letters", "naju-haderslev", "--data", self.data, "--campaigns", CAMPAIGNS, "--out", out)
        self.assertIn("no letters to print", r.stdout)
        r = run("letters", "naju-haderslev", "--data", self.data, "--campaigns", CAMPAIGNS, "--out", out, "--include-printed")
        self.assertIn("3 letters for 1 requests", r.stdout)

    def test_letters_refuses_bad_options(self):
        r = run("letters", "naju-haderslev", "--data", self.data, "--campaigns", CAMPAIGNS, "--out", "x.pdf", "--paper", "a5")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--paper is a4 or letter", r.stderr)
        r = run("letters", "no-such-campaign", "--data", self.data, "--campaigns", CAMPAIGNS, "--out", "x.pdf")
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not load", r.stderr)
