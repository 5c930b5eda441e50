"""The proof of work from the real binary: GET /pow hands out a challenge; a form carrying a valid
solution (found here as app.js finds it) is handled at once, one without — no JavaScript — is
handled too, only after the fallback delay; a forged challenge or work done for another form's key
counts as none. Nothing is refused for lack of a proof."""
import hashlib
import json
import os
import shutil
import signal
import tempfile
import time
import unittest

from twinning_process import Server

BITS = 10
DELAY_MS = 2500
PATH = "/naju-haderslev/en/action"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def zero_bits(text):
    n = 0
    for byte in hashlib.sha256(text.encode()).digest():
        if byte == 0:
            n += 8
            continue
        return n + 8 - byte.bit_length()
    return n


def solve(challenge, key, bits=BITS):
    i = 0
    while zero_bits(f"{challenge}:{key}:{i}") < bits:
        i += 1
    return str(i)


class ProofOfWorkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="twinning-pow-")
        config = os.path.join(cls.tmp, "twinning.yaml")
        with open(config, "w") as f:
            f.write(f"proof_of_work:\n  bits: {BITS}\n  fallback_delay: {DELAY_MS}\n")
        cls.server = Server(os.path.join(cls.tmp, "data"), config=config).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.kill(signal.SIGTERM)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def challenge(self):
        status, headers, body = self.server.request("GET", "/pow")
        self.assertEqual(status, 200)
        self.assertEqual(headers["cache-control"], "no-store")
        answer = json.loads(body)
        self.assertEqual(answer["bits"], BITS)
        return answer["challenge"]

    def act(self, key, **proof):
        fields = {"name": "Ada", "email": f"{key}@example.net", "country": "GB", "channel": "call",
                  "target": "haderslev-mayor", "idempotency_key": key, **proof}
        start = time.monotonic()
        status, _, body = self.server.request("POST", PATH, body=json.dumps(fields).encode(), headers=JSON)
        return status, time.monotonic() - start, body

    def test_a_valid_proof_is_handled_at_once(self):
        key = "pow-valid-000000000001"
        c = self.challenge()
        status, seconds, body = self.act(key, pow_challenge=c, pow_solution=solve(c, key))
        self.assertEqual(status, 201, body)
        self.assertLess(seconds, DELAY_MS / 1000)

    def test_without_a_proof_the_form_is_handled_after_the_delay(self):
        status, seconds, body = self.act("pow-none-00000000000001")
        self.assertEqual(status, 201, body)  # not refused: no JavaScript is not an error
        self.assertGreaterEqual(seconds, DELAY_MS / 1000)

    def test_forged_or_borrowed_proofs_count_as_none(self):
        c = self.challenge()
        other = "pow-other-0000000000001"
        borrowed = solve(c, other)
        key = "pow-borrow-000000000001"
        if zero_bits(f"{c}:{key}:{borrowed}") < BITS:  # work done for another form
            status, seconds, _ = self.act(key, pow_challenge=c, pow_solution=borrowed)
            self.assertEqual(status, 201)
            self.assertGreaterEqual(seconds, DELAY_MS / 1000)
        forged = c[:-1] + ("0" if c[-1] != "0" else "1")
        key = "pow-forged-000000000001"
        status, seconds, _ = self.act(key, pow_challenge=forged, pow_solution=solve(forged, key))
        self.assertEqual(status, 201)
        self.assertGreaterEqual(seconds, DELAY_MS / 1000)

    def test_malformed_proof_fields_do_not_break_the_form(self):
        status, _, body = self.act("pow-garbage-00000000001", pow_challenge="<script>", pow_solution="x" * 50)
        self.assertEqual(status, 201, body)


if __name__ == "__main__":
    unittest.main()
