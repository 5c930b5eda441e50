"""Posts and sharing end to end: the real binary on port 0 and the demo campaign. The page's Open
Graph tags point at an image that is there; the QR code, drawn by rsvg-convert and read back by
zbarimg, is the page's address; the Mastodon form redirects only to a proper server; preview and
check count the post as X does."""
import html.parser
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import unittest
import urllib.parse

from twinning_process import Server, SOURCE_DIR, run

CAMPAIGN = "naju-haderslev"


class HeadTags(html.parser.HTMLParser):
    """The <meta> and <img> tags of a page, attributes decoded as a browser decodes them."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.images = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a.get("content"))
        elif tag == "img":
            self.images.append(a)


def tags_of(body):
    p = HeadTags()
    p.feed(body.decode())
    return p


class ShareTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="twinning-share-")
        cls.server = Server(os.path.join(cls.tmp, "data")).start()
        cls.base = "http://127.0.0.1:%d" % cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.kill(signal.SIGTERM)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path, **headers):
        return self.server.request("GET", path, headers=headers)

    def test_open_graph_tags_per_language_point_at_the_image(self):
        for lang, locale in [("en", "en_US"), ("da", "da_DK"), ("ko", "ko_KR")]:
            with self.subTest(lang=lang):
                status, _, body = self.get("/%s/%s/" % (CAMPAIGN, lang))
                self.assertEqual(status, 200)
                meta = tags_of(body).meta
                page = "%s/%s/%s/" % (self.base, CAMPAIGN, lang)
                self.assertEqual(meta["og:url"], [page])
                self.assertEqual(meta["og:locale"], [locale])
                self.assertEqual(len(meta["og:locale:alternate"]), 2)
                self.assertEqual(meta["og:image"], [page + "og.png"])
                self.assertEqual(meta["twitter:card"], ["summary_large_image"])
                self.assertTrue(meta["og:title"][0])
                self.assertEqual(meta["og:title"], meta["twitter:title"])
                path = urllib.parse.urlsplit(meta["og:image"][0]).path
                status, headers, png = self.get(path)
                self.assertEqual(status, 200)
                self.assertEqual(headers["content-type"], "image/png")
                self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
                self.assertEqual(struct.unpack(">II", png[16:24]), (1200, 630))
                status, _, _ = self.get(path, **{"If-None-Match": headers["etag"]})
                self.assertEqual(status, 304)

    @unittest.skipUnless(shutil.which("rsvg-convert") and shutil.which("zbarimg"),
                         "rsvg-convert (librsvg2-bin) and zbarimg (zbar-tools): run scripts/bootstrap")
    def test_qr_code_decodes_to_the_page_address(self):
        for lang in ["en", "ko"]:
            with self.subTest(lang=lang):
                status, _, body = self.get("/%s/%s/" % (CAMPAIGN, lang))
                page = "%s/%s/%s/" % (self.base, CAMPAIGN, lang)
                qr = [i["src"] for i in tags_of(body).images if i.get("src", "").endswith("qr.svg")]
                self.assertEqual(qr, [page + "qr.svg"])
                status, headers, svg = self.get(urllib.parse.urlsplit(qr[0]).path)
                self.assertEqual(status, 200)
                self.assertTrue(headers["content-type"].startswith("image/svg+xml"))
                svg_file = os.path.join(self.tmp, "qr-%s.svg" % lang)
                png_file = os.path.join(self.tmp, "qr-%s.png" % lang)
                with open(svg_file, "wb") as f:
                    f.write(svg)
                subprocess.run(["rsvg-convert", svg_file, "-o", png_file], check=True)
                decoded = subprocess.run(["zbarimg", "--nodbus", "-q", "--raw", png_file],
                                         capture_output=True, text=True, check=True).stdout
                self.assertEqual(decoded, page + "\n")

    def test_mastodon_redirect_goes_only_to_a_proper_server(self):
        path = "/%s/en/mastodon?" % CAMPAIGN
        status, headers, _ = self.get(path + urllib.parse.urlencode(
            {"instance": "https://Mastodon.Social/", "text": "Hello, Haderslev! #Naju"}))
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "https://mastodon.social/share?text=Hello%2C%20Haderslev%21%20%23Naju")
        # Without the text box: the campaign's post as written.
        status, headers, _ = self.get(path + "instance=mastodon.social")
        self.assertEqual(status, 303)
        text = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)["text"][0]
        self.assertTrue(text.startswith(". . @greenjeonnam @camp8866 @sukyeol__yoon"), text)
        for bad in ["evil.example.org/path", "localhost", "127.0.0.1", "mastodon.social:8443",
                    "user@evil.com", "", "mastodon.social\r\nX: y"]:
            with self.subTest(instance=bad):
                status, headers, body = self.get(path + urllib.parse.urlencode({"instance": bad, "text": "hi"}))
                self.assertEqual(status, 400)
                self.assertNotIn("location", headers)
                self.assertIn(b"mastodon.social", body)  # the example of what to write
        status, _, _ = self.get("/%s/fr/mastodon?instance=mastodon.social" % CAMPAIGN)
        self.assertEqual(status, 404)
        status, _, _ = self.get("/%s/fr/og.png" % CAMPAIGN)
        self.assertEqual(status, 404)

    def test_preview_post_and_share(self):
        for lang in ["en", "da", "ko"]:
            with self.subTest(lang=lang):
                r = run("preview", os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), "--channel", "post",
                        "--lang", lang, "--from", "DK")
                self.assertEqual(r.returncode, 0, r.stderr)
                view = json.loads(r.stdout)["view"]
                self.assertLessEqual(view["weighted_length"], 280)
                self.assertEqual([n["id"] for n in view["networks"]], ["x", "bluesky", "mastodon"])
                self.assertTrue(all(n["fits"] for n in view["networks"]))
                self.assertTrue(view["networks"][0]["url"].startswith("https://x.com/intent/post?text="))
                self.assertTrue(view["networks"][1]["url"].startswith("https://bsky.app/intent/compose?text="))
                self.assertEqual(view["hashtags"], ["Haderslev", "Naju", "SouthKorea", "dogmeat", "catmeat",
                                                    "ImagineYourKorea"])
                r = run("preview", os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), "--channel", "share",
                        "--lang", lang, "--from", "DK")
                self.assertEqual(r.returncode, 0, r.stderr)
                share = json.loads(r.stdout)["view"]
                self.assertEqual([l["name"] for l in share["links"]],
                                 ["Email", "WhatsApp", "Telegram", "Facebook", "X", "Bluesky", "LINE"])
                self.assertTrue(share["qr_svg"].endswith("/%s/%s/qr.svg" % (CAMPAIGN, lang)))

    def test_check_rejects_a_post_over_280_with_its_place(self):
        work = os.path.join(self.tmp, "campaigns")
        shutil.copytree(os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), os.path.join(work, CAMPAIGN))
        texts = os.path.join(work, CAMPAIGN, "texts", "ko.yaml")
        with open(texts, encoding="utf-8") as f:
            lines = f.read().split("\n")
        at = next(i for i, l in enumerate(lines) if l.startswith("  text: \". . {{handles}}"))
        # 150 Hangul syllables weigh 300.
        lines[at] = '  text: ". . {{handles}} ' + "한" * 150 + '"'
        with open(texts, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        r = run("check", os.path.join(work, CAMPAIGN))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("texts/ko.yaml:%d:9: error: post.text in ko is" % (at + 1), r.stdout)
        self.assertIn("X takes at most 280", r.stdout)


if __name__ == "__main__":
    unittest.main()
