"""Hostile input to every form and route of the supporter's side, from the real binary: script
tags and quotes, CR/LF in one-line fields, NUL, overlong fields, invalid UTF-8, wrong content types,
duplicated parameters. Every answer is a clear 4xx (never a 5xx, never a dropped connection), or for
text that may hold anything, the value is kept and shown escaped; a refused request leaves nothing
in the store (counted before and after in every table that holds supporters' data)."""
import json
import os
import shutil
import signal
import sqlite3
import tempfile
import unittest
import urllib.parse

from twinning_process import Server

C = "naju-haderslev"
FORM = "application/x-www-form-urlencoded"
TABLES = ("actions", "supporters", "consents", "signatures", "letter_requests", "outbox", "idempotency_keys")

# Each supporter form with a body it accepts, and its one-line fields (where CR/LF is refused).
FORMS = {
    "action": (f"/{C}/en/action", {"name": "Ada", "email": "ada@example.net", "country": "GB",
                                   "channel": "call", "target": "haderslev-mayor"}, ["name", "email"]),
    "email": (f"/{C}/en/email", {"name": "Ada", "email": "ada@example.net", "country": "GB", "note": "Hello"},
              ["name", "email", "subject"]),
    "letter": (f"/{C}/en/letter", {"name": "Ada", "email": "ada@example.net", "country": "GB",
                                   "address_line1": "1 High Street", "address_line2": "Oxford OX1 1AA"},
               ["name", "email", "address_line1", "place"]),
    "petition": (f"/{C}/en/petition", {"name": "Ada", "email": "ada@example.net", "country": "GB",
                                       "comment": "Please"}, ["name", "email"]),
    "webform": (f"/{C}/en/webform/naju-council-member-a/done", {"name": "Ada", "email": "ada@example.net",
                                                              "country": "GB"}, ["name", "email"]),
    "call-outcome": (f"/{C}/en/call/haderslev-mayor/outcome", {"outcome": "reached", "from": "GB"}, []),
    "own-mail": (f"/{C}/en/email/open/mailto", {}, []),
}


def encode(pairs):
    """Form-encodes (name, value) pairs; a bytes value goes in as raw bytes (invalid UTF-8)."""
    out = []
    for k, v in pairs:
        value = v if isinstance(v, bytes) else v.encode("utf-8")
        out.append(urllib.parse.quote_from_bytes(k.encode()) + "=" + urllib.parse.quote_from_bytes(value))
    return "&".join(out).encode()


class HostileInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="twinning-hostile-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.server = Server(cls.data).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.kill(signal.SIGTERM)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def counts(self):
        db = sqlite3.connect(f"file:{os.path.join(self.data, 'twinning.db')}?mode=ro", uri=True)
        try:
            return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        finally:
            db.close()

    def post(self, path, body, content_type=FORM):
        headers = {"Content-Type": content_type} if content_type else {}
        status, headers, data = self.server.request("POST", path, body=body, headers=headers)
        return status, headers, data

    def refused(self, name, path, body, content_type=FORM, statuses=range(400, 500)):
        before = self.counts()
        status, headers, data = self.post(path, body, content_type)
        with self.subTest(form=name, body=body[:80]):
            self.assertIn(status, statuses, data[:400])
            self.assertEqual(self.counts(), before, "a refused request left something in the store")
            if headers.get("content-type", "").startswith("text/html"):
                self.assertNotIn(b"<script>alert", data)
        return status, data

    def test_each_form_accepts_its_plain_body(self):
        # The baseline: without it, every refusal below could be for another reason.
        for name, (path, fields, _) in FORMS.items():
            with self.subTest(form=name):
                status, _, data = self.post(path, encode(fields.items()))
                self.assertLess(status, 400, data[:400])

    def test_control_characters_in_one_line_fields_are_refused(self):
        for name, (path, fields, one_line) in FORMS.items():
            for field in one_line:
                for bad in ("Ada\r\nBcc: x@example.net", "Ada\nX", "Ada\x00", "A\x07da"):
                    body = dict(fields, **{field: bad})
                    self.refused(name, path, encode(body.items()))

    def test_nul_in_any_field_is_refused(self):
        for name, (path, fields, _) in FORMS.items():
            for field in fields:
                self.refused(name, path, encode(dict(fields, **{field: "a\x00b"}).items()))

    def test_invalid_utf8_is_refused(self):
        for name, (path, fields, _) in FORMS.items():
            for field in fields:
                self.refused(name, path, encode([(k, b"\xff\xfe" if k == field else v) for k, v in fields.items()]))
                self.refused(name, path, encode([(k, b"\xc3" if k == field else v) for k, v in fields.items()]))

    def test_overlong_fields_are_refused(self):
        for name, (path, fields, _) in FORMS.items():
            for field in fields:
                self.refused(name, path, encode(dict(fields, **{field: "x" * 9000}).items()))
            self.refused(name, path, b"name=" + b"x" * 70000, statuses=(400, 413))

    def test_duplicated_parameters_are_refused(self):
        for name, (path, fields, _) in FORMS.items():
            for field in fields:
                self.refused(name, path, encode(list(fields.items()) + [(field, fields[field])]))

    def test_wrong_content_types_are_refused(self):
        for name, (path, fields, _) in FORMS.items():
            if not fields:
                continue  # the own-mail beacon takes no body
            body = encode(fields.items())
            for ct in ("text/plain", "multipart/form-data; boundary=x", "application/xml", None):
                status, _ = self.refused(name, path, body, content_type=ct)
                self.assertEqual(status, 415, f"{name} with {ct}")
            self.refused(name, path, b"{not json", content_type="application/json")
            self.refused(name, path, b'["a", 1]', content_type="application/json")
            self.refused(name, path, json.dumps(dict(fields, name=["x"])).encode(), content_type="application/json")

    def test_another_websites_form_post_is_forbidden(self):
        # CSRF: a browser tells where the form came from; another site's post is refused with 403
        # and stores nothing; the site's own origin goes through.
        for name, (path, fields, _) in FORMS.items():
            body = encode(fields.items())
            before = self.counts()
            for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
                with self.subTest(form=name, headers=headers):
                    status, _, data = self.server.request("POST", path, body=body,
                                                          headers={"Content-Type": FORM, **headers})
                    self.assertEqual(status, 403, data[:300])
            self.assertEqual(self.counts(), before)
        own = f"http://127.0.0.1:{self.server.port}"
        status, _, data = self.server.request("POST", FORMS["petition"][0],
                                              body=encode(dict(FORMS["petition"][1], email="own@example.net").items()),
                                              headers={"Content-Type": FORM, "Origin": own, "Sec-Fetch-Site": "same-origin"})
        self.assertLess(status, 400, data[:300])

    def test_markup_and_quotes_are_stored_as_text_and_shown_escaped(self):
        # Free text may hold anything: it is kept, and wherever it is shown it is escaped.
        hostile = "\"'><script>alert(1)</script>&amp;"
        status, _, page = self.post(FORMS["petition"][0], encode({
            "name": hostile, "email": "quotes@example.net", "country": "DK", "comment": hostile + "\nline"}.items()))
        self.assertLess(status, 400, page[:300])
        self.assertNotIn(b"<script>alert(1)", page)
        # An invalid form shows the values again, escaped in attributes and text.
        status, _, page = self.post(FORMS["letter"][0], encode({
            "name": hostile, "email": "not-an-address", "country": "DK", "address_line1": hostile}.items()))
        self.assertEqual(status, 400)
        self.assertNotIn(b"<script>alert(1)", page)
        normalized = page.replace(b"&#x27;", b"&apos;").replace(b"&#39;", b"&apos;")
        self.assertTrue(b'value="&quot;&apos;&gt;&lt;script&gt;' in normalized, "the name is shown escaped in its field")

    def test_hostile_paths_and_queries_get_4xx(self):
        paths = [
            "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/CMakeLists.txt", "/static/app.js%00.png",
            f"/{C}/xx/", f"/{C}/%ff%fe/", "/%3Cscript%3Ealert(1)%3C%2Fscript%3E/en/",
            f"/{C}/en/call?from=%3Cscript%3E&tz=%00", f"/{C}/en/call?from=DK&from=KR",
            f"/{C}/en/thanks?r=%0d%0aSet-Cookie:%20x=1", f"/{C}/en/call/thanks?outcome=%ff",
            f"/{C}/en/email/open/evil", "/confirm/%00", "/confirm/" + "A" * 3000,
            f"/{C}/en/petition/count?x=" + "y" * 5000, f"/{C}/en/og.png?lang=%ff",
            f"/{C}/en/mastodon?instance=javascript:alert(1)", f"/{C}/en/mastodon?instance=%0d%0a",
        ]
        for path in paths:
            with self.subTest(path=path):
                status, headers, body = self.server.request("GET", path)
                self.assertLess(status, 500, body[:300])
                self.assertNotIn(b"<script>alert", body)
                self.assertNotIn("x=1", headers.get("set-cookie", ""))
                for value in headers.values():
                    self.assertNotIn("\r", value)
                    self.assertNotIn("\n", value)
                if "passwd" in path or "CMakeLists" in path:
                    self.assertIn(status, (400, 404))
                    self.assertNotIn(b"root:", body)
                    self.assertNotIn(b"cmake_minimum_required", body)


if __name__ == "__main__":
    unittest.main()
