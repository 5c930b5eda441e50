"""The review queue from the real binary and a real SMTP server: the same personal note from many
people within minutes is held after the supporters confirm, shown to organizers by `twinning
review list`, sent on release and never on reject; the campaign's own text, however many send it,
is never held."""
import json
import os
import re
import shutil
import signal
import tempfile
import time
import unittest

from test_email import SmtpServer, confirmation_path, wait_for
from test_organizers import PASSWORD, Browser, user
from twinning_process import Server, run

C = "naju-haderslev"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
MAYOR = "borgmester@haderslev.example.org"


class ReviewQueueTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-review-")
        self.smtp = SmtpServer(os.path.join(self.tmp, "mail"))
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{self.smtp.port}\n  poll_interval_ms: 100\n"
                    "  per_recipient_per_hour: 0\nreview:\n  same_text_people: 3\n  same_text_window: 600\n")
        self.data = os.path.join(self.tmp, "data")
        self.server = Server(self.data, config=config).start()

    def tearDown(self):
        self.server.kill(signal.SIGTERM)
        self.smtp.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def send(self, who, note):
        body = {"name": who.title(), "email": f"{who}@example.net", "country": "DK", "note": note,
                "idempotency_key": f"review-{who}-0000000000"}
        status, _, data = self.server.request("POST", f"/{C}/en/email", body=json.dumps(body).encode(), headers=JSON)
        self.assertEqual(status, 202, data)
        status, _, _ = self.server.request("GET", confirmation_path(self.smtp, f"{who}@example.net"))
        self.assertEqual(status, 200)

    def from_supporters_to_mayor(self):
        return sorted(msg["Reply-To"] for envelope, msg in self.smtp.messages() if MAYOR in envelope["rcpt_tos"])

    def review(self, *args):
        r = run("review", *args, "--data", self.data)
        return r

    def test_the_same_note_from_many_people_waits_for_an_organizer(self):
        note = "Stop the dog meat trade NOW. Copy and paste this!"
        self.send("ada", note)
        wait_for(lambda: len(self.from_supporters_to_mayor()) == 1, what="the first message")
        self.send("bo", note.lower())  # case does not make another text
        wait_for(lambda: len(self.from_supporters_to_mayor()) == 2, what="the second message")
        self.send("cy", "  " + note + "  ")  # the third person: held, and so are later ones
        self.send("di", note)
        time.sleep(1.5)  # the worker polls every 100 ms: held messages would have gone by now
        self.assertEqual(len(self.from_supporters_to_mayor()), 2)

        listed = self.review("list", C)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("cy@example.net", listed.stdout)
        self.assertIn("di@example.net", listed.stdout)
        self.assertIn("Copy and paste this!", listed.stdout)
        self.assertIn("the same text from 4 people", listed.stdout)
        cy = int(re.search(r"action (\d+) .*cy@example\.net", listed.stdout).group(1))
        di = int(re.search(r"action (\d+) .*di@example\.net", listed.stdout).group(1))

        released = self.review("release", str(cy))
        self.assertEqual(released.returncode, 0, released.stderr)
        wait_for(lambda: len(self.from_supporters_to_mayor()) == 3, what="the released message")
        self.assertTrue(any("cy@example.net" in r for r in self.from_supporters_to_mayor()))
        rejected = self.review("reject", str(di))
        self.assertEqual(rejected.returncode, 0, rejected.stderr)
        time.sleep(1.0)
        self.assertEqual(len(self.from_supporters_to_mayor()), 3)
        self.assertIn("nothing waits for review", self.review("list").stdout)
        again = self.review("reject", str(di))
        self.assertEqual(again.returncode, 2)
        self.assertIn("no message waiting for review", again.stderr)

    def test_organizers_decide_on_the_dashboard_page_viewers_only_read(self):
        for email, role in (("org@example.org", "organizer"), ("view@example.org", "viewer")):
            r = user(self.data, "add", email, "--role", role, password=PASSWORD)
            self.assertEqual(r.returncode, 0, r.stderr)
        note = "The very same words from everyone <script>x</script>"
        for who in ("ada", "bo", "cy"):
            self.send(who, note)
        viewer = Browser(self.server)
        viewer.sign_in("view@example.org")
        status, _, page = viewer.request("GET", "/admin/review")
        self.assertEqual(status, 200, page)
        self.assertIn("cy@example.net", page)
        self.assertIn("&lt;script&gt;x&lt;/script&gt;", page)  # what people wrote is shown escaped
        self.assertNotIn("<script>x", page)
        self.assertNotIn("/release", page)  # viewers only read
        action = int(re.search(r"Action (\d+): Cy", page).group(1))
        csrf = viewer.csrf("/admin/review")
        status, _, _ = viewer.request("POST", f"/admin/review/{action}/release", {"csrf": csrf})
        self.assertEqual(status, 403)

        org = Browser(self.server)
        org.sign_in("org@example.org")
        status, _, _ = org.request("POST", f"/admin/review/{action}/release", {"csrf": "wrong"})
        self.assertEqual(status, 403)
        csrf = org.csrf("/admin/review")
        status, headers, _ = org.request("POST", f"/admin/review/{action}/release", {"csrf": csrf})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/admin/review")
        wait_for(lambda: any("cy@example.net" in r for r in self.from_supporters_to_mayor()), what="the released one")
        status, _, page = org.request("POST", f"/admin/review/{action}/release", {"csrf": csrf})
        self.assertEqual(status, 404)

    def test_the_campaigns_own_text_is_never_held(self):
        for who in ("eva", "finn", "gro", "hans"):
            self.send(who, "")
        wait_for(lambda: len(self.from_supporters_to_mayor()) == 4, what="every message")
        self.assertIn("nothing waits for review", self.review("list").stdout)


if __name__ == "__main__":
    unittest.main()
