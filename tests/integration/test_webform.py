"""The web-form channel end to end: the real binary, the local council site
(tests/integration/webform_site.py), mail kept in the spool. The demo's guided steps in English,
Danish and Korean; "Sent to ..." recording the action; and "fill them in for me": nothing is
posted before the supporter confirms, then the EUC-KR form is filled in exactly, and the member
whose form shows a captcha is not, the supporter being told why by email."""
import email
import email.policy
import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from twinning_process import Server, SOURCE_DIR

CAMPAIGN = "naju-haderslev"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "webform_site.py")
LABELS = ["받는사람", "보내는 사람", "E-mail", "휴대폰", "제목", "내용"]


class CouncilSite:
    def __init__(self, directory):
        self.dir = directory
        self.proc = subprocess.Popen(["/usr/bin/python3", SITE, "--dir", directory], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"PORT (\d+)", line)
        if not m:
            raise RuntimeError("webform_site.py did not start: " + line)
        self.port = int(m.group(1))

    def url(self, variant, member):
        return f"http://127.0.0.1:{self.port}/{variant}/members/{member}/contact"

    def posts(self):
        out = []
        for meta in sorted(glob.glob(os.path.join(self.dir, "*.json"))):
            with open(meta) as f:
                record = json.load(f)
            with open(meta[:-5] + ".body", "rb") as f:
                record["raw"] = f.read()
            out.append(record)
        return out

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def wait_for(predicate, timeout=30.0, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)  # polling files another process writes; bounded by the deadline
    raise AssertionError(f"timed out waiting for {what}")


def automated_campaign(root, site):
    """The demo campaign, made automatable against the local site: not a demo, the definition
    marked automated with the field names the site uses; member A's form is the EUC-KR variant,
    member B's shows a captcha."""
    target = os.path.join(root, CAMPAIGN)
    shutil.copytree(os.path.join(SOURCE_DIR, "campaigns", CAMPAIGN), target)
    path = os.path.join(target, "campaign.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()

    def swap(old, new):
        nonlocal text
        assert old in text, old
        text = text.replace(old, new, 1)

    swap("demo: true", "demo: false")
    swap("    automated: false\n", "    automated: true\n    charset: EUC-KR\n    form: {id: mailform}\n")
    for label, name in zip(LABELS, ["receiver", "sender", "email", "phone", "subject", "content"]):
        swap(f"      - label: {label}\n", f"      - label: {label}\n        name: {name}\n")
    swap("https://council.naju.example.org/members/a/contact", site.url("euc-kr", "a"))
    swap("https://council.naju.example.org/members/b/contact", site.url("captcha", "b"))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return root


class WebformTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-webform-")
        self.site = CouncilSite(os.path.join(self.tmp, "posts"))
        self.data = os.path.join(self.tmp, "data")
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.kill(signal.SIGTERM)
        self.site.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, campaigns=None, webform_settings=""):
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write("mail:\n  poll_interval_ms: 100\n" + webform_settings)
        self.server = Server(self.data, campaigns=campaigns, config=config).start()

    def page(self, lang):
        status, _, body = self.server.request("GET", f"/{CAMPAIGN}/{lang}/")
        self.assertEqual(status, 200)
        return body.decode()

    def spooled(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.data, "spool", "*.eml"))):
            with open(path, "rb") as f:
                out.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return out

    def test_the_demo_guides_every_member_in_each_language_and_posts_nowhere(self):
        self.start()
        steps = {"en": "Open the list of the council&apos;s members.", "da": "Åbn listen over byrådets medlemmer.",
                 "ko": "의회 누리집에서 의원 명단을 엽니다."}
        for lang, first_step in steps.items():
            html = self.page(lang)
            block = html[html.index('id="channel-webform"'):]
            block = block[:block.index("</section>")]
            self.assertEqual(block.count(first_step), 2, lang)  # both members
            for label in LABELS:
                self.assertEqual(block.count(f'<th scope="row" lang="ko">{label}</th>'), 2, (lang, label))
            self.assertEqual(block.count('<span class="copyable pre" lang="ko">000-000-0000</span>'), 2)
            self.assertIn("이메일을 전송 하였습니다.", block)
            self.assertIn(f'formaction="/{CAMPAIGN}/{lang}/webform/naju-council-member-a/done"', block)
            self.assertNotIn(f'formaction="/{CAMPAIGN}/{lang}/webform"', block)  # no automation in the demo
        status, _, body = self.server.request(
            "POST", f"/{CAMPAIGN}/en/webform", headers=JSON_HEADERS,
            body=json.dumps({"name": "Ana Lima", "email": "ana@example.net", "country": "BR"}))
        self.assertEqual(status, 404, body)
        self.assertEqual(self.site.posts(), [])

    def test_sent_to_records_the_action_for_that_member(self):
        self.start()
        status, headers, _ = self.server.request(
            "POST", f"/{CAMPAIGN}/da/webform/naju-council-member-b/done",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body="name=S%C3%B8ren&email=soren%40example.net&country=DK&idempotency_key=webform-done-key-0001")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], f"/{CAMPAIGN}/da/thanks?r=recorded")
        status, _, body = self.server.request(
            "POST", f"/{CAMPAIGN}/da/webform/naju-council-member-b/done",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body="name=S%C3%B8ren&email=soren%40example.net&country=DK&idempotency_key=webform-done-key-0001")
        self.assertEqual(status, 303)  # the same key again: recorded once
        db = sqlite3.connect(f"file:{os.path.join(self.data, 'twinning.db')}?mode=ro", uri=True)
        rows = db.execute("SELECT channel, target, language FROM actions").fetchall()
        db.close()
        self.assertEqual(rows, [("webform", "naju-council-member-b", "da")])
        status, _, body = self.server.request(
            "POST", f"/{CAMPAIGN}/da/webform/naju-council-member-b/done", headers=JSON_HEADERS,
            body=json.dumps({"name": "Søren", "email": "soren@example.net", "country": "DK", "target": "x"}))
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["field"], "target")
        status, _, _ = self.server.request(
            "POST", f"/{CAMPAIGN}/da/webform/haderslev-mayor/done", headers=JSON_HEADERS,
            body=json.dumps({"name": "Søren", "email": "soren@example.net", "country": "DK"}))
        self.assertEqual(status, 404)  # the mayor is not reached by web form
        status, _, body = self.server.request(
            "POST", f"/{CAMPAIGN}/da/webform/naju-council-member-b/done",
            headers={"Content-Type": "application/x-www-form-urlencoded"}, body="name=&email=nope&country=DK")
        self.assertEqual(status, 400)
        self.assertIn('id="w-errors"', body.decode())

    def test_fill_them_in_for_me_after_the_confirmation(self):
        campaigns = automated_campaign(os.path.join(self.tmp, "campaigns"), self.site)
        self.start(campaigns, "webform:\n  automated_hosts: [127.0.0.1]\n  per_host_interval_s: 0\n"
                              "  timeout_ms: 5000\n")
        self.assertIn(f'formaction="/{CAMPAIGN}/en/webform"', self.page("en"))
        status, _, body = self.server.request(
            "POST", f"/{CAMPAIGN}/en/webform", headers=JSON_HEADERS,
            body=json.dumps({"name": "김민수", "email": "minsu@example.net", "country": "DK",
                             "idempotency_key": "webform-key-" + str(time.monotonic_ns())}))
        self.assertEqual(status, 202, body)
        answer = json.loads(body)
        self.assertEqual(answer["forms"], 2)
        self.assertTrue(answer["confirmation_mailed"])

        def confirmation():
            for m in self.spooled():
                found = re.search(r"http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)",
                                  m.get_body(preferencelist=("plain",)).get_content())
                if found:
                    return found.group(1)
            return None
        link = wait_for(confirmation, what="the confirmation mail")
        time.sleep(0.5)  # give a wrong implementation the time to post early
        self.assertEqual(self.site.posts(), [])

        status, _, _ = self.server.request("GET", link)
        self.assertEqual(status, 200)
        posts = wait_for(lambda: self.site.posts(), what="the post to member A's form")
        self.assertEqual(len(posts), 1)
        post = posts[0]
        self.assertEqual(post["variant"], "euc-kr")
        self.assertTrue(post["accepted"], post)
        names = [name for name, _ in post["fields"]]
        self.assertEqual(names, ["token", "member_id", "receiver", "sender", "email", "phone", "subject", "content",
                                 "agree"])
        fields = dict(post["fields"])
        self.assertEqual(fields["receiver"], "의원 가")
        self.assertEqual(fields["sender"], "김민수")
        self.assertEqual(fields["phone"], "000-000-0000")
        self.assertTrue(fields["subject"].startswith("나주시의 불법 개·고양이 식용 거래"))
        self.assertIn("저는 덴마크에 사는 김민수입니다.", fields["content"])
        self.assertIn("\r\n\r\n", fields["content"])
        self.assertIn(b"&sender=%B1%E8%B9%CE%BC%F6&", post["raw"])  # 김민수 in EUC-KR

        def captcha_notice():
            for m in self.spooled():
                if m["To"] and "minsu@example.net" in m["To"] and "was not sent for you" in str(m["Subject"]):
                    return m
            return None
        notice = wait_for(captcha_notice, what="the notice about member B's captcha")
        text = notice.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Council member B", str(notice["Subject"]))
        self.assertIn("captcha", text)
        self.assertIn(f"/{CAMPAIGN}/en/#channel-webform", text)
        self.assertEqual(len(self.site.posts()), 1)  # member B's form was never posted
        # The demo outbox lists mail; web-form submissions among them must not break it.
        status, _, page = self.server.request("GET", "/demo/outbox")
        self.assertEqual(status, 200)
        self.assertNotIn("/members/a/contact", page.decode())  # a web-form job is not listed as a mail
        self.assertIn("minsu@example.net", page.decode())


if __name__ == "__main__":
    unittest.main()
