"""Starts the real twinning binary for integration tests: port 0, a temporary data directory,
the repository's campaigns and resources. No fixed ports, no sleeps to wait for readiness: the
test reads the URL the server prints."""
import http.client
import os
import re
import select
import signal
import subprocess
import time

BIN = os.environ.get("TWINNING_BIN", "")
SOURCE_DIR = os.environ.get("TWINNING_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


class Server:
    def __init__(self, data_dir, campaigns=None, config=None, extra=()):
        self.data_dir = data_dir
        self.campaigns = campaigns or os.path.join(SOURCE_DIR, "campaigns")
        self.config = config
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.output = []

    def start(self, timeout=60):
        args = [BIN, "serve", "--listen", "127.0.0.1:0", "--data", self.data_dir,
                "--campaigns", self.campaigns, "--resources", SOURCE_DIR]
        args += ["--config", self.config_without_rate_limits()]
        args += self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # Read the raw pipe, not a buffered reader: select() only sees what the buffer has not
        # already swallowed, so a buffered readline could sit on the URL line until the deadline.
        fd = self.proc.stdout.fileno()
        pending = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError("twinning exited before serving:\n" + "".join(self.output) + pending.decode(errors="replace"))
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                text = line.decode(errors="replace") + "\n"
                self.output.append(text)
                m = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", text)
                if m:
                    self.port = int(m.group(1))
                    return self
        self.kill()  # never leave a server behind
        raise RuntimeError("twinning did not print its URL in time:\n" + "".join(self.output))

    def config_without_rate_limits(self):
        """Every test request comes from 127.0.0.1 and no test client does a proof of work: the
        supporters' rate limits and the proof of work are off unless the test's own configuration
        sets them (test_rate_limits.py, test_proof_of_work.py do)."""
        text = ""
        if self.config:
            with open(self.config, encoding="utf-8") as f:
                text = f.read()
        if "rate_limits:" not in text:
            text += "\nrate_limits:\n  per_address: 0\n  per_email: 0\n  per_target: 0\n"
        if "proof_of_work:" not in text:
            text += "\nproof_of_work:\n  bits: 0\n"
        os.makedirs(self.data_dir, exist_ok=True)
        path = os.path.join(os.path.dirname(os.path.abspath(self.data_dir)),
                            os.path.basename(self.data_dir) + "-test-config.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            data = res.read()
            return res.status, {k.lower(): v for k, v in res.getheaders()}, data
        finally:
            conn.close()

    def kill(self, sig=signal.SIGKILL, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.output.append((self.proc.stdout.read() or b"").decode(errors="replace"))
            self.proc.stdout.close()
        return self.proc.returncode if self.proc else None


def run(*args, timeout=120):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
