"""Webhooks from the real binary: a counted outreach or signature is POSTed as JSON to each
receiver with an HMAC-SHA256 signature the receiver can verify; an unconfirmed one is not sent
until it is confirmed; a failing receiver (500) is retried through the outbox with backoff; a
refusing one (400) is given up, and the log says why (`twinning outbox list`)."""
import hashlib
import hmac
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from test_email import SmtpServer, confirmation_path, wait_for
from twinning_process import Server, run

C = "naju-haderslev"
SECRET = "webhook-secret-0123456789"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


class Receiver:
    """Answers each POST with the next status of `statuses` (then 200) and keeps what came."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received = []
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    status = outer.statuses.pop(0) if outer.statuses else 200
                    outer.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()


def verify(headers, body):
    """What a receiver does: recompute the signature over "<t>.<body>" and compare."""
    fields = dict(part.split("=", 1) for part in headers["X-Twinning-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), (fields["t"] + ".").encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


class WebhookTest(unittest.TestCase):
    def start(self, statuses=()):
        self.tmp = tempfile.mkdtemp(prefix="twinning-webhooks-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.receiver = Receiver(statuses)
        self.addCleanup(self.receiver.stop)
        self.smtp = SmtpServer(os.path.join(self.tmp, "mail"))
        self.addCleanup(self.smtp.stop)
        config = os.path.join(self.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"mail:\n  transport_url: smtp://127.0.0.1:{self.smtp.port}\n  poll_interval_ms: 100\n"
                    f"  retry_base_s: 1\n  retry_max_interval_s: 1\n"
                    f"webhooks:\n  - url: {self.receiver.url}\n    secret: {SECRET}\n")
        self.data = os.path.join(self.tmp, "data")
        self.server = Server(self.data, config=config).start()
        self.addCleanup(self.server.kill, signal.SIGTERM)

    def post(self, path, **fields):
        status, _, body = self.server.request("POST", path, body=json.dumps(fields).encode(), headers=JSON)
        return status, json.loads(body)

    def confirm(self, to):
        status, _, _ = self.server.request("GET", confirmation_path(self.smtp, to))
        self.assertEqual(status, 200)

    def test_a_counted_outreach_is_posted_signed_and_a_signature_only_once_confirmed(self):
        self.start()
        status, _ = self.post(f"/{C}/en/action", name="Ada", email="ada@example.net", country="GB", channel="call",
                              target="haderslev-mayor", idempotency_key="webhook-call-000000000001")
        self.assertEqual(status, 201)
        wait_for(lambda: len(self.receiver.received) == 1, what="the outreach webhook")
        headers, body, _ = self.receiver.received[0]
        self.assertTrue(verify(headers, body))
        self.assertFalse(verify(headers, body + b" "))  # a changed body fails
        event = json.loads(body)
        self.assertEqual(headers["X-Twinning-Event"], "outreach")
        self.assertEqual((event["event"], event["channel"], event["target"], event["country"]),
                         ("outreach", "call", "haderslev-mayor", "GB"))
        self.assertEqual(event["supporter"], {"name": "Ada", "email": "ada@example.net"})
        self.assertEqual(headers["Content-Type"], "application/json")

        # A post (not an outreach) sends nothing; a signature waits for its confirmation.
        self.post(f"/{C}/en/action", name="Bo", email="bo@example.net", country="DK", channel="share",
                  idempotency_key="webhook-share-00000000001")
        status, _ = self.post(f"/{C}/da/petition", name="Cy", email="cy@example.net", country="DK")
        self.assertEqual(status, 202)
        time.sleep(1.0)
        self.assertEqual(len(self.receiver.received), 1)
        self.confirm("cy@example.net")
        wait_for(lambda: len(self.receiver.received) == 2, what="the signature webhook")
        headers, body, _ = self.receiver.received[1]
        self.assertEqual(json.loads(body)["event"], "signature")
        self.assertTrue(verify(headers, body))

    def test_a_failing_receiver_is_retried_and_a_refusing_one_given_up(self):
        self.start(statuses=(500, 503))
        self.post(f"/{C}/en/action", name="Ada", email="ada@example.net", country="GB", channel="letter",
                  idempotency_key="webhook-retry-00000000001")
        wait_for(lambda: len(self.receiver.received) == 3, timeout=60, what="two failures, then delivery")
        self.assertEqual([s for _, _, s in self.receiver.received], [500, 503, 200])
        ids = {h["X-Twinning-Delivery"] for h, _, _ in self.receiver.received}
        self.assertEqual(len(ids), 1)  # the same delivery id: a receiver can drop repeats
        r = run("outbox", "list", "--data", self.data)
        self.assertIn("HTTP 200", r.stdout)

        self.receiver.statuses = [400]
        self.post(f"/{C}/en/action", name="Bo", email="bo@example.net", country="GB", channel="letter",
                  idempotency_key="webhook-refuse-0000000001")
        wait_for(lambda: len(self.receiver.received) == 4, what="the refused one")

        def failed():
            out = run("outbox", "list", "--state", "failed", "--data", self.data).stdout
            return out if "refused: HTTP 400" in out else None
        wait_for(failed, what="the failure in the log")


if __name__ == "__main__":
    unittest.main()
