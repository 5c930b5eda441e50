"""The spine end to end: the real binary on port 0, the demo campaign, real HTTP, a real SQLite
file, SIGKILL and restart."""
import gzip
import json
import os
import shutil
import signal
import socket
import sqlite3
import tempfile
import time
import unittest
import urllib.parse

from twinning_process import Server, SOURCE_DIR, run

CAMPAIGN = "naju-haderslev"
SECTIONS = ["why", "evidence", "law", "act", "message", "media", "closing"]
CHANNELS = ["email", "webform", "letter", "call", "post", "share", "petition"]
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def form(**fields):
    return urllib.parse.urlencode(fields).encode()


def action_fields(key, **over):
    fields = dict(name="Ana Lima", email="ana@example.com", country="PT", channel="email",
                  idempotency_key=key)
    fields.update(over)
    return fields


def count_actions(data_dir):
    with sqlite3.connect(os.path.join(data_dir, "twinning.db")) as db:
        return db.execute("SELECT COUNT(*) FROM actions").fetchone()[0]


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="twinning-it-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.server = Server(cls.data).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.kill(signal.SIGTERM)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def get(self, path, **headers):
        return self.server.request("GET", path, headers=headers)

    def test_healthz(self):
        status, headers, body = self.get("/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")

    def test_page_in_each_language_has_every_section_and_channel(self):
        for lang in ["en", "da", "ko"]:
            with self.subTest(lang=lang):
                status, headers, body = self.get(f"/{CAMPAIGN}/{lang}/")
                self.assertEqual(status, 200)
                html = body.decode()
                self.assertIn(f'<html lang="{lang}"', html)
                self.assertEqual(headers["content-language"], lang)
                for section in SECTIONS:
                    self.assertIn(f'<section id="{section}"', html)
                for channel in CHANNELS:
                    self.assertIn(f'id="channel-{channel}"', html)
                self.assertIn('id="action-form"', html)
                self.assertIn('class="demo"', html)
                self.assertNotIn("{{", html)  # every template variable was filled
                # What the campaign data gives, per block: the numbers and the address.
                self.assertIn('href="tel:+4540781475"', html)
                self.assertIn("+45 40 78 14 75", html)
                self.assertIn("Christian X&#39;s Vej 39", html.replace("&apos;", "&#39;"))
                self.assertIn("전라남도 나주시 시청길 22", html)  # the OpenCage KR_ko line
                self.assertIn("@sukyeol__yoon", html)
                # Consents are offered, none pre-ticked.
                for name in ["consent_this_campaign", "consent_other_campaigns", "consent_public"]:
                    self.assertRegex(html, f'name="{name}" type="checkbox" value="yes">')

    def test_danish_message_inside_english_page_is_marked(self):
        _, _, body = self.get(f"/{CAMPAIGN}/en/")
        html = body.decode()
        self.assertIn('<div class="message" lang="da">', html)
        self.assertIn("Kære borgmester Mads Skau", html)

    def test_language_from_accept_language(self):
        status, headers, _ = self.get(f"/{CAMPAIGN}/", **{"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
        self.assertEqual(status, 302)
        self.assertEqual(headers["location"], f"/{CAMPAIGN}/ko/")
        status, headers, _ = self.get(f"/{CAMPAIGN}/", **{"Accept-Language": "da, en;q=0.8"})
        self.assertEqual(headers["location"], f"/{CAMPAIGN}/da/")
        status, headers, _ = self.get(f"/{CAMPAIGN}/", **{"Accept-Language": "fr-FR"})
        self.assertEqual(headers["location"], f"/{CAMPAIGN}/en/")
        status, _, body = self.get("/", **{"Accept-Language": "da"})
        self.assertEqual(status, 200)
        self.assertIn('<html lang="da"', body.decode())

    def test_etag_and_gzip(self):
        status, headers, body = self.get(f"/{CAMPAIGN}/en/", **{"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("content-encoding"), "gzip")
        self.assertIn(b'<html lang="en"', gzip.decompress(body))
        etag = headers["etag"]
        status, _, body = self.get(f"/{CAMPAIGN}/en/", **{"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")

    def test_unknown_campaign_and_language_are_404_in_visitor_language(self):
        for path in ["/no-such-campaign/en/", f"/{CAMPAIGN}/fr/", "/static/missing.js"]:
            with self.subTest(path=path):
                status, _, body = self.get(path, **{"Accept-Language": "da"})
                self.assertEqual(status, 404)
                self.assertIn('<html lang="da"', body.decode())

    def test_wrong_method_is_405_with_allow(self):
        status, headers, _ = self.server.request("DELETE", f"/{CAMPAIGN}/en/")
        self.assertEqual(status, 405)
        self.assertIn("GET", headers["allow"])

    def test_form_action_recorded_once_per_key(self):
        key = "form-key-0000000001"
        before = count_actions(self.data)
        status, headers, _ = self.server.request("POST", f"/{CAMPAIGN}/da/action",
                                                 body=form(**action_fields(key)), headers=FORM_HEADERS)
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], f"/{CAMPAIGN}/da/thanks?r=recorded")
        status, headers, _ = self.server.request("POST", f"/{CAMPAIGN}/da/action",
                                                 body=form(**action_fields(key)), headers=FORM_HEADERS)
        self.assertEqual(headers["location"], f"/{CAMPAIGN}/da/thanks?r=duplicate")
        self.assertEqual(count_actions(self.data), before + 1)
        status, _, body = self.get(f"/{CAMPAIGN}/da/thanks?r=recorded")
        self.assertEqual(status, 200)
        self.assertIn('<html lang="da"', body.decode())
        self.assertIn("Haderslev", body.decode())  # the campaign's title, in Danish
        self.assertNotIn("{{", body.decode())

    def test_json_action_and_consent_recorded(self):
        key = "json-key-0000000001"
        fields = action_fields(key, consent_this_campaign=True, consent_public=True, phone="+45 40 78 14 75",
                               channel="call", target="haderslev-mayor")
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=json.dumps(fields),
                                              headers=JSON_HEADERS)
        self.assertEqual(status, 201, body)
        answer = json.loads(body)
        self.assertFalse(answer["duplicate"])
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=json.dumps(fields),
                                              headers=JSON_HEADERS)
        self.assertEqual(status, 200)
        self.assertTrue(json.loads(body)["duplicate"])
        self.assertEqual(json.loads(body)["action_id"], answer["action_id"])
        with sqlite3.connect(os.path.join(self.data, "twinning.db")) as db:
            phone = db.execute("SELECT phone FROM supporters WHERE email = 'ana@example.com'").fetchone()[0]
            self.assertEqual(phone, "+4540781475")
            rows = db.execute("SELECT scope, given, wording_version FROM consents WHERE action_id = ?",
                              (answer["action_id"],)).fetchall()
        self.assertEqual({r[0]: r[1] for r in rows},
                         {"this_campaign": 1, "other_campaigns": 0, "public_listing": 1})
        self.assertTrue(all(r[2] for r in rows))

    def test_a_filled_honeypot_is_refused_and_records_nothing(self):
        before = count_actions(self.data)
        status, _, body = self.server.request(
            "POST", f"/{CAMPAIGN}/en/action", body=form(**action_fields("honeypot-key-000001", fax_only="555 0100")),
            headers=FORM_HEADERS)
        self.assertEqual(status, 400)
        self.assertIn("reload the page", body.decode())
        self.assertEqual(count_actions(self.data), before)
        page = self.get(f"/{CAMPAIGN}/en/")[2].decode()
        self.assertRegex(page, r'<div class="hp" aria-hidden="true">.*name="fax_only" type="text" tabindex="-1"')

    def test_same_key_other_content_conflicts(self):
        key = "conflict-key-000001"
        self.server.request("POST", f"/{CAMPAIGN}/en/action", body=json.dumps(action_fields(key)),
                            headers=JSON_HEADERS)
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action",
                                              body=json.dumps(action_fields(key, name="Someone Else")),
                                              headers=JSON_HEADERS)
        self.assertEqual(status, 409)

    def test_invalid_form_shows_the_form_again_with_values_and_errors(self):
        fields = action_fields("bad-form-key-000001", email="not-an-email", country="XX")
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=form(**fields),
                                              headers=FORM_HEADERS)
        self.assertEqual(status, 400)
        html = body.decode()
        self.assertIn('value="Ana Lima"', html)
        self.assertIn('value="not-an-email"', html)
        self.assertIn('id="a-e-email"', html)
        self.assertIn('id="a-e-country"', html)

    def test_invalid_json_fields_name_the_field(self):
        cases = [
            (json.dumps(action_fields("json-bad-0000000001", email="x")), "email"),
            (json.dumps(action_fields("json-bad-0000000002", channel="fax")), "channel"),
            (json.dumps(action_fields("json-bad-0000000003", name="a\nb")), "name"),
            (json.dumps(action_fields("json-bad-0000000004", extra="1")), "extra"),
        ]
        for body, field in cases:
            with self.subTest(field=field):
                status, _, answer = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=body,
                                                        headers=JSON_HEADERS)
                self.assertEqual(status, 400)
                self.assertEqual(json.loads(answer)["field"], field)

    def test_invalid_utf8_names_the_field(self):
        body = b"name=%FF%FE&email=a%40example.com&country=DK&channel=email"
        status, _, answer = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=body,
                                                headers={**FORM_HEADERS, "Accept": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(answer)["field"], "name")

    def test_malformed_json_and_wrong_content_type(self):
        status, _, _ = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=b"{", headers=JSON_HEADERS)
        self.assertEqual(status, 400)
        status, _, _ = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=b"x",
                                           headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)

    def test_every_string_is_escaped(self):
        fields = action_fields("escape-key-00000001", name='<script>alert(1)</script>"', email="bad")
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=form(**fields),
                                              headers=FORM_HEADERS)
        self.assertEqual(status, 400)
        self.assertNotIn("<script>alert(1)", body.decode())
        self.assertIn("&lt;script&gt;", body.decode())


class LimitsTest(unittest.TestCase):
    """Each limit just under and just over, through the real binary with small limits set."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="twinning-limits-")
        config = os.path.join(cls.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write("limits:\n  max_body_bytes: 2048\n  max_header_bytes: 4096\n"
                    "  max_request_line_bytes: 1024\n  max_field_bytes: 512\n")
        cls.server = Server(os.path.join(cls.tmp, "data"), config=config).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.kill(signal.SIGTERM)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def post_body(self, size):
        body = b"name=" + b"a" * (size - len(b"name="))
        return self.server.request("POST", f"/{CAMPAIGN}/en/action", body=body,
                                   headers={**FORM_HEADERS, "Accept": "application/json"})[0]

    def test_body(self):
        self.assertEqual(self.post_body(2048), 400)  # accepted by the server, refused for the field
        self.assertEqual(self.post_body(2049), 413)

    def test_field(self):
        name = "a" * 512
        ok = form(**action_fields("limit-key-000000001", name=name))
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=ok,
                                              headers={**FORM_HEADERS, "Accept": "application/json"})
        # At the limit the parser passes the field on: the action rules judge it (too long a name).
        self.assertEqual(status, 400)
        self.assertIn("problems", json.loads(body))
        over = form(**action_fields("limit-key-000000002", name=name + "a"))
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=over,
                                              headers={**FORM_HEADERS, "Accept": "application/json"})
        # Over it, the form parser refuses it before any rule runs.
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["field"], "name")
        self.assertNotIn("problems", json.loads(body))

    def test_request_line(self):
        # "GET " + path + " HTTP/1.1" is the request line.
        def line_of(n):
            return "/healthz?" + "a" * (n - len("GET /healthz? HTTP/1.1"))
        self.assertEqual(self.server.request("GET", line_of(1024))[0], 200)
        self.assertEqual(self.server.request("GET", line_of(1025))[0], 414)

    def test_headers(self):
        self.assertEqual(self.server.request("GET", "/healthz", headers={"X-Pad": "a" * 3000})[0], 200)
        self.assertEqual(self.server.request("GET", "/healthz", headers={"X-Pad": "a" * 4200})[0], 431)


class DurabilityTest(unittest.TestCase):
    def test_sigkill_then_restart_keeps_exactly_one_action(self):
        tmp = tempfile.mkdtemp(prefix="twinning-kill-")
        data = os.path.join(tmp, "data")
        try:
            server = Server(data).start()
            key = "durable-key-0000001"
            body = json.dumps(action_fields(key))
            status, _, answer = server.request("POST", f"/{CAMPAIGN}/en/action", body=body, headers=JSON_HEADERS)
            self.assertEqual(status, 201)
            status, _, _ = server.request("POST", f"/{CAMPAIGN}/en/action", body=body, headers=JSON_HEADERS)
            self.assertEqual(status, 200)
            server.kill(signal.SIGKILL)
            self.assertEqual(count_actions(data), 1)

            server = Server(data).start()
            status, _, again = server.request("POST", f"/{CAMPAIGN}/en/action", body=body, headers=JSON_HEADERS)
            self.assertEqual(status, 200)
            self.assertTrue(json.loads(again)["duplicate"])
            self.assertEqual(json.loads(again)["action_id"], json.loads(answer)["action_id"])
            self.assertEqual(count_actions(data), 1)

            # A backup taken while the server runs is a consistent, readable copy.
            copy = os.path.join(tmp, "copy.db")
            result = run("backup", copy, "--data", data)
            self.assertEqual(result.returncode, 0, result.stderr)
            with sqlite3.connect(copy) as db:
                self.assertEqual(db.execute("SELECT COUNT(*) FROM actions").fetchone()[0], 1)
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")

            self.assertEqual(server.kill(signal.SIGTERM), 0, "".join(server.output))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class ClosedCampaignTest(unittest.TestCase):
    def test_after_the_end_the_page_is_closed_and_actions_refused(self):
        tmp = tempfile.mkdtemp(prefix="twinning-closed-")
        try:
            campaigns = os.path.join(tmp, "campaigns")
            shutil.copytree(os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), os.path.join(campaigns, CAMPAIGN))
            path = os.path.join(campaigns, CAMPAIGN, "campaign.yaml")
            with open(path) as f:
                text = f.read()
            text = text.replace("ends: 2030-12-31T23:59:59Z", "ends: 2026-01-31T23:59:59Z")
            with open(path, "w") as f:
                f.write(text)
            server = Server(os.path.join(tmp, "data"), campaigns=campaigns).start()
            try:
                status, _, body = server.request("GET", f"/{CAMPAIGN}/en/")
                self.assertEqual(status, 200)
                self.assertIn('class="closed"', body.decode())
                self.assertNotIn('id="action-form"', body.decode())
                status, _, _ = server.request("POST", f"/{CAMPAIGN}/en/action",
                                              body=json.dumps(action_fields("closed-key-00000001")),
                                              headers=JSON_HEADERS)
                self.assertEqual(status, 403)
            finally:
                server.kill(signal.SIGTERM)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class CommandsTest(unittest.TestCase):
    def test_check_demo_is_clean(self):
        result = run("check", os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), "--resources", SOURCE_DIR)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("0 errors", result.stdout)

    def test_check_reports_problems_and_fails(self):
        tmp = tempfile.mkdtemp(prefix="twinning-check-")
        try:
            dest = os.path.join(tmp, CAMPAIGN)
            shutil.copytree(os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), dest)
            path = os.path.join(dest, "campaign.yaml")
            with open(path) as f:
                text = f.read()
            text = text.replace('phone: "+4540781475"', 'phone: "+45 123"').replace("demo: true", "demo: true\ncolour: red")
            with open(path, "w") as f:
                f.write(text)
            result = run("check", dest, "--resources", SOURCE_DIR)
            self.assertEqual(result.returncode, 1)
            self.assertIn("campaign.yaml:", result.stdout)
            self.assertIn("colour", result.stdout)
            self.assertIn("+45 123", result.stdout)
            # serve refuses such a campaign
            serve = run("serve", "--listen", "127.0.0.1:0", "--campaigns", tmp, "--data", os.path.join(tmp, "d"),
                        "--resources", SOURCE_DIR)
            self.assertNotEqual(serve.returncode, 0)
            self.assertIn("check", serve.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_preview_every_channel(self):
        for channel in CHANNELS:
            with self.subTest(channel=channel):
                result = run("preview", os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), "--channel", channel,
                             "--lang", "en", "--from", "US", "--at", "2026-11-25T10:00:00+01:00",
                             "--resources", SOURCE_DIR)
                self.assertEqual(result.returncode, 0, result.stderr)
                doc = json.loads(result.stdout)
                self.assertEqual(doc["channel"], channel)
                self.assertTrue(doc["open"])
                self.assertIn("view", doc)

    def test_preview_email_with_supporter(self):
        tmp = tempfile.mkdtemp(prefix="twinning-preview-")
        try:
            supporter = os.path.join(tmp, "s.yaml")
            with open(supporter, "w") as f:
                f.write("name: Ana Lima\ncountry: PT\n")
            result = run("preview", os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), "--channel", "email",
                         "--lang", "en", "--from", "PT", "--supporter", supporter, "--resources", SOURCE_DIR)
            self.assertEqual(result.returncode, 0, result.stderr)
            view = json.loads(result.stdout)["view"]
            first = view["messages"][0]
            self.assertEqual(first["lang"], "da")
            self.assertTrue(first["body"].startswith("Kære borgmester Mads Skau"))
            self.assertIn("Ana Lima", first["body"])
            self.assertEqual(view["translation"]["lang"], "en")
            self.assertTrue(view["cc"])
            self.assertEqual(view["messages"][1]["cc"], [])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_preview_call_office_hours(self):
        # Wednesday 10:00 in Copenhagen is open; 02:14 is closed.
        for at, open_now in [("2026-11-25T10:00:00+01:00", True), ("2026-11-25T02:14:00+01:00", False)]:
            result = run("preview", os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), "--channel", "call",
                         "--lang", "en", "--from", "US", "--at", at, "--resources", SOURCE_DIR)
            target = json.loads(result.stdout)["view"]["targets"][0]
            self.assertEqual(target["open_now"], open_now, at)
            self.assertEqual(target["international"], "+45 40 78 14 75")

    def test_preview_call_dial_strings_and_both_clocks(self):
        d = os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN)
        at = "2026-11-25T02:14:00+01:00"
        for origin, dial in [("US", "011 45 40 78 14 75"), ("DE", "00 45 40 78 14 75"), ("DK", "40 78 14 75")]:
            result = run("preview", d, "--channel", "call", "--lang", "en", "--from", origin, "--at", at,
                         "--resources", SOURCE_DIR)
            target = json.loads(result.stdout)["view"]["targets"][0]
            self.assertEqual(target["dialing"]["dial"], dial, origin)
            self.assertEqual(target["tel"], "tel:+4540781475")
        result = run("preview", d, "--channel", "call", "--lang", "en", "--from", "KR", "--at", at,
                     "--resources", SOURCE_DIR)
        target = json.loads(result.stdout)["view"]["targets"][0]
        self.assertTrue(target["dialing"]["choose_prefix"])
        self.assertIn("001", target["dialing"]["prefix_choices"])
        self.assertEqual(target["status_text"], "Their office is closed now: it is 02:14 in Haderslev. "
                                                "It opens at 09:00 their time, which is 17:00 your time.")

    def test_preview_bad_arguments(self):
        d = os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN)
        for args, needle in [(["--channel", "fax", "--lang", "en", "--from", "US"], "unknown channel"),
                             (["--channel", "email", "--lang", "fr", "--from", "US"], "no language"),
                             (["--channel", "email", "--lang", "en", "--from", "XX"], "country code"),
                             (["--channel", "email", "--lang", "en", "--from", "US", "--at", "yesterday"], "--at")]:
            result = run("preview", d, *args, "--resources", SOURCE_DIR)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn(needle, result.stderr)


class SlowClientsTest(unittest.TestCase):
    """Hundreds of idle connections and slow-header clients (slowloris) do not take the server from
    other visitors, and a client that never finishes its request head is cut off after
    read_timeout."""

    def test_500_idle_connections_and_slow_clients_leave_room_for_a_visitor(self):
        tmp = tempfile.mkdtemp(prefix="twinning-slow-")
        config = os.path.join(tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write("limits:\n  read_timeout_ms: 1500\n")
        server = Server(os.path.join(tmp, "data"), config=config).start()
        sockets = []
        try:
            for _ in range(500):  # connected, nothing sent
                sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
            slow = []
            for _ in range(50):  # a request head that never ends, a byte at a time
                c = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                slow.append(c)
            sockets += slow
            started = time.monotonic()
            status, _, _ = server.request("GET", f"/{CAMPAIGN}/en/", timeout=5)
            elapsed = time.monotonic() - started
            self.assertEqual(status, 200)
            self.assertLess(elapsed, 2.0, f"a visitor waited {elapsed:.2f} s")
            # The slow clients keep trickling bytes; read_timeout still ends them.
            for c in slow:
                c.sendall(b"a")
            deadline = time.monotonic() + 10
            closed = 0
            for c in slow:
                c.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    data = c.recv(4096)
                    while data and b"\r\n\r\n" not in data:
                        data += c.recv(4096)
                    closed += 1  # answered (408) or closed (EOF)
                except ConnectionResetError:
                    closed += 1
                except socket.timeout:
                    pass  # still open at the deadline: counted as not cut off
            self.assertEqual(closed, len(slow), "every slow client was cut off after read_timeout")
            status, _, _ = server.request("GET", "/healthz", timeout=5)
            self.assertEqual(status, 200)
        finally:
            for c in sockets:
                c.close()
            server.kill(signal.SIGTERM)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
