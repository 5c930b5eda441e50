"""The email channel end to end: the real binary, a real SMTP server (aiosmtpd), Python's own email
parser reading every message that arrives. Nothing reaches an official before the supporter opens
the confirmation link; then each message arrives once, correctly encoded in Danish and Korean."""
import email
import email.policy
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from twinning_process import Server, SOURCE_DIR, run

CAMPAIGN = "naju-haderslev"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
SMTP_SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_server.py")
OFFICIALS = {"borgmester@haderslev.example.org", "byraad@haderslev.example.org",
             "council@jeonnam.example.org", "members@assembly.example.org"}


class SmtpServer:
    def __init__(self, directory, port=0, extra=()):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        args = ["/usr/bin/python3", SMTP_SERVER, "--dir", directory, "--port", str(port), *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"PORT (\d+)", line)
        if not m:
            raise RuntimeError("smtp_server.py did not start: " + line)
        self.port = int(m.group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()

    def messages(self):
        """Every message received so far: (envelope, parsed message), in arrival order."""
        out = []
        for meta in sorted(glob.glob(os.path.join(self.dir, "*.json")),
                           key=lambda p: int(os.path.basename(p).split(".")[0])):
            with open(meta) as f:
                envelope = json.load(f)
            with open(meta[:-5] + ".eml", "rb") as f:
                out.append((envelope, email.message_from_bytes(f.read(), policy=email.policy.default)))
        return out


def wait_for(predicate, timeout=30.0, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)  # polling a directory another process writes; bounded by the deadline
    raise AssertionError(f"timed out waiting for {what}")


def confirmation_path(smtp, to):
    """Waits for the confirmation mail to `to` on `smtp`; returns its link's path (/confirm/...)."""
    def find():
        for envelope, msg in smtp.messages():
            if envelope["rcpt_tos"] == [to]:
                m = re.search(r"http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)", text_of(msg))
                if m:
                    return m.group(1)
        return None
    return wait_for(find, what="the confirmation mail to " + to)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


class EmailFlowTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-email-")
        self.smtp = SmtpServer(os.path.join(self.tmp, "mail"))
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{self.smtp.port}\n  poll_interval_ms: 100\n"
                    "  retry_base_s: 1\n  retry_max_interval_s: 1\n")
        self.server = Server(os.path.join(self.tmp, "data"), config=config).start()

    def tearDown(self):
        self.server.kill(signal.SIGTERM)
        self.smtp.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def post(self, lang, **fields):
        body = dict(name="Søren Ærø", email="soren@example.net", country="DK",
                    idempotency_key="email-key-" + str(time.monotonic_ns()), copy_to_me="yes")
        body.update(fields)
        return self.server.request("POST", f"/{CAMPAIGN}/{lang}/email", body=json.dumps(body), headers=JSON_HEADERS)

    def confirmation_link(self, to):
        def find():
            for envelope, msg in self.smtp.messages():
                if envelope["rcpt_tos"] == [to]:
                    m = re.search(r"http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)", text_of(msg))
                    if m:
                        return msg, m.group(1)
            return None
        return wait_for(find, what="the confirmation mail")

    def test_confirmed_messages_arrive_once_each_correctly_encoded(self):
        status, _, body = self.post("da", note="Jeg har selv besøgt Naju.")
        self.assertEqual(status, 202, body)
        answer = json.loads(body)
        self.assertTrue(answer["confirmation_mailed"])
        self.assertEqual(answer["status"], "pending")

        confirmation, link = self.confirmation_link("soren@example.net")
        self.assertIn("Bekræft", confirmation["Subject"])
        # Nothing has reached an official before the link is opened.
        time.sleep(0.5)  # give a wrong implementation the time to send early
        rcpts = {r for envelope, _ in self.smtp.messages() for r in envelope["rcpt_tos"]}
        self.assertFalse(rcpts & OFFICIALS, rcpts)

        status, _, page = self.server.request("GET", link)
        self.assertEqual(status, 200)
        self.assertIn('lang="da"', page.decode())

        def delivered():
            seen = [r for envelope, _ in self.smtp.messages() for r in envelope["rcpt_tos"]]
            return seen if OFFICIALS <= set(seen) and "soren@example.net" in seen[1:] else None
        seen = wait_for(delivered, what="the officials' messages")
        for address in OFFICIALS:
            self.assertEqual(seen.count(address), 1, f"{address} got {seen.count(address)} copies")

        messages = {tuple(envelope["rcpt_tos"]): msg for envelope, msg in self.smtp.messages()}
        mayor = next(msg for rcpts, msg in messages.items() if "borgmester@haderslev.example.org" in rcpts)
        self.assertEqual(mayor["From"].addresses[0].display_name, "Søren Ærø")
        self.assertEqual(mayor["Reply-To"].addresses[0].addr_spec, "soren@example.net")
        self.assertEqual(mayor["To"].addresses[0].addr_spec, "borgmester@haderslev.example.org")
        cc = {a.addr_spec for a in mayor["Cc"].addresses}
        self.assertEqual(cc, {"council@jeonnam.example.org", "members@assembly.example.org"})
        self.assertEqual(mayor["Content-Language"], "da")
        self.assertTrue(mayor["Subject"].startswith("Til borgmester Mads Skau"))
        text = text_of(mayor)
        self.assertTrue(text.startswith("Kære borgmester Mads Skau"), text[:80])
        self.assertIn("Jeg har selv besøgt Naju.", text)
        self.assertIn("Søren Ærø", text)
        # Headers with Danish letters are encoded words on the wire, never raw bytes.
        with open(glob.glob(os.path.join(self.smtp.dir, "*.eml"))[1], "rb") as f:
            raw = f.read()
        head = raw.split(b"\r\n\r\n", 1)[0]
        self.assertTrue(all(b < 128 for b in head), "raw 8-bit bytes in the header")
        self.assertTrue(all(len(line) <= 78 for line in head.split(b"\r\n")))

        status, _, _ = self.server.request("GET", link)  # the link again
        self.assertEqual(status, 200)
        time.sleep(0.5)
        again = [r for envelope, _ in self.smtp.messages() for r in envelope["rcpt_tos"]]
        self.assertEqual(sorted(again), sorted(seen), "opening the link twice sent something again")

    def test_korean_supporter_gets_a_korean_confirmation(self):
        status, _, body = self.post("ko", name="김민지", email="minji@example.net", country="KR")
        self.assertEqual(status, 202, body)
        confirmation, _ = self.confirmation_link("minji@example.net")
        self.assertIn("확인", confirmation["Subject"])
        self.assertEqual(confirmation["To"].addresses[0].display_name, "김민지")
        self.assertIn("김민지님", text_of(confirmation))

    def test_injection_attempts_are_refused_and_nothing_is_queued(self):
        for field, value in [("name", "Eve\r\nBcc: victim@example.com"), ("subject", "Hi\r\nBcc: x@example.com"),
                             ("email", "eve@example.com\r\nBcc: x@example.com")]:
            with self.subTest(field=field):
                status, _, body = self.post("en", **{field: value})
                self.assertEqual(status, 400, body)
                self.assertEqual(json.loads(body)["field"], field)
        time.sleep(0.5)
        self.assertEqual(self.smtp.messages(), [])

    def test_one_confirmation_covers_the_visit(self):
        first = json.loads(self.post("en", email="ana@example.net", name="Ana")[2])
        second = json.loads(self.post("en", email="ana@example.net", name="Ana", note="And one more.")[2])
        self.assertTrue(first["confirmation_mailed"])
        self.assertFalse(second["confirmation_mailed"])
        _, link = self.confirmation_link("ana@example.net")
        self.server.request("GET", link)

        def both():
            seen = [r for envelope, _ in self.smtp.messages() for r in envelope["rcpt_tos"]]
            return seen if seen.count("borgmester@haderslev.example.org") == 2 else None
        wait_for(both, what="both actions' messages")


class SmtpOutageTest(unittest.TestCase):
    def test_server_down_then_up_delivers_everything_once(self):
        tmp = tempfile.mkdtemp(prefix="twinning-outage-")
        try:
            smtp = SmtpServer(os.path.join(tmp, "mail"))
            port = smtp.port
            config = os.path.join(tmp, "twinning.yaml")
            with open(config, "w") as f:
                f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{port}\n  poll_interval_ms: 100\n"
                        "  retry_base_s: 1\n  retry_max_interval_s: 1\n")
            server = Server(os.path.join(tmp, "data"), config=config).start()
            try:
                body = dict(name="Ana", email="ana@example.net", country="PT", idempotency_key="outage-key-000000001")
                server.request("POST", f"/{CAMPAIGN}/en/email", body=json.dumps(body), headers=JSON_HEADERS)
                link = wait_for(lambda: next((re.search(r"(/confirm/[A-Za-z0-9_-]+)", text_of(m)).group(1)
                                              for _, m in smtp.messages()), None), what="the confirmation")
                smtp.stop()
                self.assertEqual(server.request("GET", link)[0], 200)
                time.sleep(1.5)  # the worker tries, fails, backs off
                smtp = SmtpServer(os.path.join(tmp, "mail"), port=port)

                def delivered():
                    seen = [r for envelope, _ in smtp.messages() for r in envelope["rcpt_tos"]]
                    return seen if OFFICIALS <= set(seen) else None
                seen = wait_for(delivered, timeout=60, what="delivery after the outage")
                time.sleep(1)
                seen = [r for envelope, _ in smtp.messages() for r in envelope["rcpt_tos"]]
                for address in OFFICIALS:
                    self.assertEqual(seen.count(address), 1)
            finally:
                server.kill(signal.SIGTERM)
                smtp.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class WorkerKilledTest(unittest.TestCase):
    """SIGKILL while messages are being sent: nothing is lost, and the only message that can arrive
    twice is the one in flight at the kill (docs/decisions/0004-outbox-delivery.md)."""

    def test_sigkill_mid_batch_loses_nothing(self):
        tmp = tempfile.mkdtemp(prefix="twinning-killed-")
        try:
            smtp = SmtpServer(os.path.join(tmp, "mail"), extra=["--accept-delay-ms", "300"])
            config = os.path.join(tmp, "twinning.yaml")
            with open(config, "w") as f:
                f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{smtp.port}\n  poll_interval_ms: 100\n")
            data = os.path.join(tmp, "data")
            server = Server(data, config=config).start()
            supporters = [f"s{i}@example.net" for i in range(3)]
            for i, address in enumerate(supporters):
                body = dict(name=f"Supporter {i}", email=address, country="DK",
                            idempotency_key=f"killed-key-00000000{i}")
                status, _, answer = server.request("POST", f"/{CAMPAIGN}/en/email", body=json.dumps(body),
                                                   headers=JSON_HEADERS)
                self.assertEqual(status, 202, answer)
            links = wait_for(lambda: (lambda found: found if len(found) == 3 else None)(
                [re.search(r"(/confirm/[A-Za-z0-9_-]+)", text_of(m)).group(1) for _, m in smtp.messages()]),
                what="three confirmations")
            for link in links:
                self.assertEqual(server.request("GET", link)[0], 200)
            # 12 official messages at 300 ms each: kill the server while they are going out.
            wait_for(lambda: len(smtp.messages()) >= 3 + 4, what="some deliveries")
            server.kill(signal.SIGKILL)
            received_at_kill = len(smtp.messages())
            self.assertLess(received_at_kill, 3 + 12, "the kill came too late to test anything")

            server = Server(data, config=config).start()
            try:
                def all_there():
                    pairs = [(m["Reply-To"].addresses[0].addr_spec if m["Reply-To"] else None, r)
                             for envelope, m in smtp.messages() for r in envelope["rcpt_tos"]]
                    return pairs if len([p for p in pairs if p[1] in OFFICIALS]) >= 12 else None
                wait_for(all_there, timeout=60, what="every message after the restart")
                time.sleep(1)
                pairs = [(m["Reply-To"].addresses[0].addr_spec if m["Reply-To"] else None, r)
                         for envelope, m in smtp.messages() for r in envelope["rcpt_tos"]]
                official = [p for p in pairs if p[1] in OFFICIALS]
                for supporter in supporters:
                    for address in OFFICIALS:
                        self.assertGreaterEqual(official.count((supporter, address)), 1, (supporter, address))
                # At most the one message in flight at the kill arrives twice.
                self.assertLessEqual(len(official) - 12, 1, official)
            finally:
                server.kill(signal.SIGTERM)
                smtp.stop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class SpoolDemoTest(unittest.TestCase):
    """With no mail server configured, mail stays on the machine and /demo/outbox shows it."""

    def test_demo_outbox_shows_the_confirmation_link(self):
        tmp = tempfile.mkdtemp(prefix="twinning-spool-")
        try:
            server = Server(os.path.join(tmp, "data")).start()
            try:
                body = dict(name="Ana", email="ana@example.net", country="PT", idempotency_key="spool-key-0000000001")
                status, _, _ = server.request("POST", f"/{CAMPAIGN}/en/email", body=json.dumps(body), headers=JSON_HEADERS)
                self.assertEqual(status, 202)

                def link():
                    page = server.request("GET", "/demo/outbox")[2].decode()
                    m = re.search(r'href="http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)"', page)
                    return m.group(1) if m else None
                confirm = wait_for(link, what="the confirmation in the demo outbox")
                self.assertEqual(server.request("GET", confirm)[0], 200)
                wait_for(lambda: len(glob.glob(os.path.join(tmp, "data", "spool", "*.eml"))) >= 4,
                         what="the spooled messages")
            finally:
                server.kill(signal.SIGTERM)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class OwnMailCountTest(unittest.TestCase):
    """"Send it from my own mail" is counted when used, and the supporter still lands where the
    link promised: Gmail's and Outlook's compose pages, or their mail program."""

    def test_own_mail_links_are_counted_and_lead_on(self):
        tmp = tempfile.mkdtemp(prefix="twinning-ownmail-")
        data = os.path.join(tmp, "data")
        try:
            server = Server(data).start()
            try:
                page = server.request("GET", f"/{CAMPAIGN}/en/")[2].decode()
                gmail = re.search(r'href="(/[^"]+/email/open/gmail)"', page).group(1)
                outlook = re.search(r'href="(/[^"]+/email/open/outlook)"', page).group(1)
                beacon = re.search(r'href="mailto:[^"]+" data-count="([^"]+)"', page).group(1)
                self.assertEqual(beacon, f"/{CAMPAIGN}/en/email/open/mailto")

                status, headers, _ = server.request("GET", gmail)
                self.assertEqual(status, 303)
                self.assertTrue(headers["location"].startswith("https://mail.google.com/mail/?view=cm"),
                                headers["location"])
                self.assertIn("borgmester%40haderslev.example.org", headers["location"])
                status, headers, _ = server.request("GET", outlook)
                self.assertEqual(status, 303)
                self.assertTrue(headers["location"].startswith("https://outlook."), headers["location"])
                for _ in range(2):
                    self.assertEqual(server.request("POST", beacon)[0], 204)
                self.assertEqual(server.request("POST", f"/{CAMPAIGN}/da/email/open/copy")[0], 204)
                # Only the known ways, campaigns and languages are counted.
                self.assertEqual(server.request("POST", f"/{CAMPAIGN}/en/email/open/fax")[0], 404)
                self.assertEqual(server.request("GET", f"/{CAMPAIGN}/xx/email/open/gmail")[0], 404)
                self.assertEqual(server.request("GET", f"/no-such/en/email/open/gmail")[0], 404)
                self.assertEqual(server.request("GET", f"/{CAMPAIGN}/en/email/open/copy")[0], 404)
            finally:
                server.kill(signal.SIGTERM)  # the store writes what is queued before it exits
            out = run("counts", CAMPAIGN, "--data", data)
            self.assertEqual(out.returncode, 0, out.stderr)
            rows = {tuple(line.split()[2:4]) for line in out.stdout.splitlines()[1:]}
            self.assertEqual(rows, {("own_mail.copy", "1"), ("own_mail.gmail", "1"),
                                    ("own_mail.mailto", "2"), ("own_mail.outlook", "1")}, out.stdout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def make_certificates(directory):
    """A test CA and a certificate for "localhost" signed by it (PEM files in `directory`)."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=twinning test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost")
    with open(os.path.join(directory, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return {name: os.path.join(directory, name) for name in ("ca.pem", "server.pem", "server.key")}


class TlsTest(unittest.TestCase):
    """Mail leaves over TLS (STARTTLS or smtps://), only to a server whose certificate is trusted,
    and never falls back to plain text when STARTTLS is required."""

    @classmethod
    def setUpClass(cls):
        cls.certs_dir = tempfile.mkdtemp(prefix="twinning-certs-")
        cls.certs = make_certificates(cls.certs_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs_dir, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-tls-")
        self.smtp = None
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.kill(signal.SIGTERM)
        if self.smtp:
            self.smtp.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, smtp_extra, url, mail_settings=""):
        self.smtp = SmtpServer(os.path.join(self.tmp, "mail"), extra=smtp_extra)
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"mail:\n  transport_url: {url.format(port=self.smtp.port)}\n  poll_interval_ms: 100\n"
                    "  retry_base_s: 1\n  retry_max_interval_s: 1\n" + mail_settings)
        self.data = os.path.join(self.tmp, "data")
        self.server = Server(self.data, config=config).start()
        body = dict(name="Ana", email="ana@example.net", country="PT", idempotency_key="tls-key-00000000001")
        status, _, _ = self.server.request("POST", f"/{CAMPAIGN}/en/email", body=json.dumps(body), headers=JSON_HEADERS)
        self.assertEqual(status, 202)

    def tls_server(self, *more):
        return ["--tls-cert", self.certs["server.pem"], "--tls-key", self.certs["server.key"], *more]

    def arrived(self):
        return wait_for(lambda: self.smtp.messages(), what="the confirmation mail")

    def last_error(self):
        """The outbox's last error for the confirmation mail, once the worker has tried."""
        def tried():
            out = run("outbox", "list", "--state", "queued", "--data", self.data)
            m = re.search(r"queued\s+ana@example\.net\s+[1-9]\d*\s+\S+\s+(.+)", out.stdout)
            return m.group(1) if m else None
        return wait_for(tried, what="a failed attempt in the outbox")

    def test_starttls_with_a_trusted_certificate_and_auth(self):
        self.start(self.tls_server("--auth", "relay:s3cret"), "smtp://relay:s3cret@localhost:{port}",
                   f"  starttls: required\n  tls_ca_file: {self.certs['ca.pem']}\n")
        envelope, message = self.arrived()[0]
        self.assertIn(envelope["tls"], ("TLSv1.2", "TLSv1.3"))
        self.assertEqual(envelope["login"], "relay")
        self.assertEqual(envelope["rcpt_tos"], ["ana@example.net"])

    def test_smtps_with_a_trusted_certificate(self):
        self.start(self.tls_server("--smtps"), "smtps://localhost:{port}",
                   f"  tls_ca_file: {self.certs['ca.pem']}\n")
        envelope, _ = self.arrived()[0]
        self.assertIn(envelope["tls"], ("TLSv1.2", "TLSv1.3"))

    def test_an_untrusted_certificate_sends_nothing_and_says_why(self):
        self.start(self.tls_server(), "smtp://localhost:{port}", "  starttls: required\n")
        listing = self.last_error()
        self.assertRegex(listing.lower(), r"certificate")
        self.assertEqual(self.smtp.messages(), [])

    def test_required_starttls_never_falls_back_to_plain_text(self):
        self.start([], "smtp://localhost:{port}", "  starttls: required\n")
        listing = self.last_error()
        self.assertRegex(listing.lower(), r"tls")
        self.assertEqual(self.smtp.messages(), [])


if __name__ == "__main__":
    unittest.main()
