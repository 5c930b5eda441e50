"""Organizer accounts end to end: `twinning user add` on a real store, then the real server on port
0 - sign-in, wrong password, the rate limit (429), sign-out, CSRF, roles (a viewer cannot POST),
and the dashboard's numbers after real actions."""
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import unittest
import urllib.parse

from twinning_process import BIN, SOURCE_DIR, Server

CAMPAIGN = "naju-haderslev"
PASSWORD = "correct horse battery"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def user(data, *args, password=None):
    return subprocess.run([BIN, "user", *args, "--data", data, "--campaigns", os.path.join(SOURCE_DIR, "campaigns"),
                           "--resources", SOURCE_DIR] + (["--password-stdin"] if password is not None else []),
                          input=(password + "\n").encode() if password is not None else None,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def cookies_of(headers_list):
    """name -> value of every Set-Cookie (http.client joins repeated headers; we read them all)."""
    out = {}
    for name, value in headers_list:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            k, _, v = pair.partition("=")
            out[k] = v
    return out


class Browser:
    """A cookie jar over Server.request, enough for these pages."""

    def __init__(self, server):
        self.server = server
        self.jar = {}
        self.last_set_cookies = {}

    def request(self, method, path, fields=None, headers=None):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            h = dict(headers or {})
            body = None
            if fields is not None:
                body = urllib.parse.urlencode(fields).encode()
                h.update(FORM)
            if self.jar:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            conn.request(method, path, body=body, headers=h)
            res = conn.getresponse()
            data = res.read()
            self.last_set_cookies = cookies_of(res.getheaders())
            for k, v in self.last_set_cookies.items():
                if v:
                    self.jar[k] = v
                else:
                    self.jar.pop(k, None)
            return res.status, {k.lower(): v for k, v in res.getheaders()}, data.decode()

        finally:
            conn.close()

    def sign_in(self, email, password=PASSWORD):
        status, _, page = self.request("GET", "/admin/login")
        assert status == 200, page
        login_csrf = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)
        return self.request("POST", "/admin/login",
                            {"login_csrf": login_csrf, "next": "/admin", "email": email, "password": password})

    def csrf(self, path="/admin"):
        status, _, page = self.request("GET", path)
        assert status == 200, (status, page)
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


class OrganizerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="twinning-organizers-")
        cls.data = os.path.join(cls.tmp, "data")
        for email, role in (("owner@example.org", "owner"), ("organizer@example.org", "organizer"),
                            ("viewer@example.org", "viewer"), ("limited@example.org", "organizer")):
            r = user(cls.data, "add", email, "--role", role, password=PASSWORD)
            assert r.returncode == 0, r.stderr.decode()
        cls.server = Server(cls.data).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.kill(signal.SIGTERM)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_user_commands(self):
        listed = user(self.data, "list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        text = listed.stdout.decode()
        self.assertIn("owner@example.org", text)
        self.assertIn("viewer", text)
        self.assertNotIn("argon2", text)
        again = user(self.data, "add", "OWNER@example.org", "--role", "owner", password=PASSWORD)
        self.assertEqual(again.returncode, 1)
        self.assertIn("exists", again.stderr.decode())
        bad_role = user(self.data, "add", "x@example.org", "--role", "admin", password=PASSWORD)
        self.assertEqual(bad_role.returncode, 2)
        short = user(self.data, "add", "x@example.org", password="short")
        self.assertEqual(short.returncode, 2)
        # Without --password-stdin and without a terminal: refused, nothing read from the pipe.
        no_tty = subprocess.run([BIN, "user", "add", "y@example.org", "--data", self.data], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(no_tty.returncode, 2)
        self.assertIn("--password-stdin", no_tty.stderr.decode())
        with sqlite3.connect(os.path.join(self.data, "twinning.db")) as db:
            hashes = [h for (h,) in db.execute("SELECT password_hash FROM organizer_users")]
        self.assertTrue(hashes and all(h.startswith("$argon2id$") for h in hashes))
        self.assertFalse(any(PASSWORD in h for h in hashes))
        self.assertEqual(user(self.data, "remove", "nobody@example.org").returncode, 1)

    def test_sign_in_and_out(self):
        b = Browser(self.server)
        status, headers, _ = b.request("GET", "/admin")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/admin/login?next=%2Fadmin")
        status, headers, _ = b.sign_in("organizer@example.org")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/admin")
        self.assertIn("twinning_session", b.jar)
        status, headers, page = b.request("GET", "/admin")
        self.assertEqual(status, 200)
        self.assertIn(f'href="/admin/{CAMPAIGN}"', page)
        self.assertEqual(headers["cache-control"], "no-store")
        self.assertIn("frame-ancestors 'none'", headers["content-security-policy"])
        with sqlite3.connect(os.path.join(self.data, "twinning.db")) as db:
            stored = [h for (h,) in db.execute("SELECT token_hash FROM organizer_sessions")]
        self.assertNotIn(b.jar["twinning_session"], stored)  # only a digest is kept
        status, headers, _ = b.request("POST", "/admin/logout", {"csrf": b.csrf()})
        self.assertEqual(status, 303)
        self.assertNotIn("twinning_session", b.jar)
        status, _, _ = b.request("GET", "/admin")
        self.assertEqual(status, 303)

    def test_wrong_password(self):
        b = Browser(self.server)
        status, _, page = b.sign_in("owner@example.org", "not the password")
        self.assertEqual(status, 403)
        self.assertIn("Wrong email or password.", page)
        self.assertNotIn("twinning_session", b.jar)
        status, _, page = b.sign_in("nobody@example.org")
        self.assertEqual(status, 403)
        self.assertIn("Wrong email or password.", page)

    def test_rate_limit_429(self):
        b = Browser(self.server)
        for _ in range(5):  # max_login_failures_per_account
            status, _, _ = b.sign_in("limited@example.org", "wrong")
            self.assertEqual(status, 403)
        status, headers, page = b.sign_in("limited@example.org")  # even the right password now
        self.assertEqual(status, 429)
        self.assertGreater(int(headers["retry-after"]), 0)
        self.assertIn("Too many failed sign-ins", page)
        self.assertNotIn("twinning_session", b.jar)
        with sqlite3.connect(os.path.join(self.data, "twinning.db")) as db:
            keys = [k for (k,) in db.execute("SELECT key FROM login_failures")]
        self.assertFalse(any("127.0.0.1" in k for k in keys), keys)

    def test_login_form_needs_its_own_cookie(self):
        b = Browser(self.server)
        status, _, _ = b.request("POST", "/admin/login", {"login_csrf": "x" * 43, "email": "owner@example.org",
                                                          "password": PASSWORD})
        self.assertEqual(status, 403)
        self.assertNotIn("twinning_session", b.jar)

    def test_csrf_missing_or_wrong_is_403(self):
        b = Browser(self.server)
        b.sign_in("organizer@example.org")
        csrf = b.csrf()
        status, _, _ = b.request("POST", "/admin/outbox/999999/retry", {"back": "/admin"})
        self.assertEqual(status, 403)
        status, _, _ = b.request("POST", "/admin/outbox/999999/retry", {"csrf": csrf[:-1] + "A", "back": "/admin"})
        self.assertEqual(status, 403)
        status, _, _ = b.request("POST", "/admin/logout", {})
        self.assertEqual(status, 403)
        # With the token: past the check, to the outbox's own answer.
        status, _, _ = b.request("POST", "/admin/outbox/999999/retry", {"csrf": csrf, "back": "/admin"})
        self.assertEqual(status, 404)

    def test_viewer_cannot_post(self):
        b = Browser(self.server)
        b.sign_in("viewer@example.org")
        csrf = b.csrf()
        status, _, page = b.request("POST", "/admin/outbox/999999/retry", {"csrf": csrf, "back": "/admin"})
        self.assertEqual(status, 403)
        self.assertIn("viewer", page)
        status, _, page = b.request("GET", f"/admin/{CAMPAIGN}")
        self.assertEqual(status, 200)
        self.assertNotIn("Send again", page)

    def test_dashboard_shows_numbers_after_actions(self):
        for i, (channel, country) in enumerate((("email", "DK"), ("email", "KR"), ("call", "DK"))):
            fields = dict(name="Ana Lima", email=f"dash{i}@example.com", country=country, channel=channel,
                          idempotency_key=f"dashboard-key-{i:08d}")
            status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=json.dumps(fields),
                                                  headers=JSON_HEADERS)
            self.assertIn(status, (200, 201, 202), body)
        with sqlite3.connect(os.path.join(self.data, "twinning.db")) as db:
            total = db.execute("SELECT COUNT(*) FROM actions WHERE campaign = ?", (CAMPAIGN,)).fetchone()[0]
            kr = db.execute("SELECT COUNT(*) FROM actions WHERE campaign = ? AND country = 'KR'",
                            (CAMPAIGN,)).fetchone()[0]
            counted = db.execute("SELECT SUM(n) FROM action_counts WHERE campaign = ?", (CAMPAIGN,)).fetchone()[0]
        self.assertEqual(counted, total)
        b = Browser(self.server)
        b.sign_in("viewer@example.org")
        status, _, page = b.request("GET", f"/admin/{CAMPAIGN}")
        self.assertEqual(status, 200)
        self.assertIn(f"<strong>{total}</strong> actions recorded", page)
        self.assertRegex(page, rf'<th scope="row">KR</th>(<td class="num">\d+</td>)*<td class="num">{kr}</td></tr>')
        self.assertIn('role="img"', page)
        self.assertNotIn("<script", page)
        status, _, index = b.request("GET", "/admin")
        self.assertIn(f'<td class="num">{total}</td>', index)


if __name__ == "__main__":
    unittest.main()
