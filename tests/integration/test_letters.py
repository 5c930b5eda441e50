"""Letters from the real binary: `twinning preview --channel letter --pdf` writes the PDF a
supporter would download (a letter per recipient, then the envelope page) on A4 from Denmark and on
US Letter from the US; poppler-utils read it back. --pdf on another channel is refused."""
import json
import os
import subprocess
import tempfile
import unittest

from twinning_process import SOURCE_DIR, run

CAMPAIGN_DIR = os.path.join(SOURCE_DIR, "campaigns", "naju-haderslev")


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
