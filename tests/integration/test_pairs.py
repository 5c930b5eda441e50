"""Many pairs from one campaign, end to end with the real binary (issue 10): the example
directory (examples/pairs/directory) imported from CSV, a broken file refused whole, campaigns
generated from the example template and checked, and the static export: built twice to the same
bytes, every exported page the very page the server serves."""
import filecmp
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
import unittest

from twinning_process import Server, SOURCE_DIR, run

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "pairs")
KINDS = ["cities", "twinnings", "bodies", "officials"]
PUBLIC_URL = "https://campaigns.example.org"


class PublicServer(Server):
    """A server with --public-url: it announces the public address, so the port is read from its
    "listening on ... (port N" line instead."""

    def start(self, timeout=60):
        args = [BIN_ARGS[0], "serve", "--listen", "127.0.0.1:0", "--data", self.data_dir,
                "--campaigns", self.campaigns, "--resources", SOURCE_DIR,
                "--config", self.config_without_rate_limits()] + self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        fd, pending = self.proc.stdout.fileno(), b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            pending += chunk
            self.output.append(chunk.decode(errors="replace"))
            port = re.search(rb"\(port (\d+),", pending)
            if port and b"serving " in pending:
                self.port = int(port.group(1))
                return self
        self.kill()
        raise RuntimeError("twinning did not start:\n" + "".join(self.output))


BIN_ARGS = [os.environ.get("TWINNING_BIN", "")]


def tree(root):
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


class Pairs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-pairs-")
        self.data = os.path.join(self.tmp, "data")
        self.campaigns = os.path.join(self.tmp, "campaigns")
        os.makedirs(self.campaigns)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def common(self):
        return ["--data", self.data, "--campaigns", self.campaigns, "--resources", SOURCE_DIR]

    def import_example(self):
        for kind in KINDS:
            r = run("directory", "import", os.path.join(EXAMPLE, "directory", kind + ".csv"), *self.common())
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(kind + " from ", r.stdout)

    def test_import_generate_build(self):
        self.import_example()
        listed = run("directory", "list", *self.common())
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("twinnings (3)", listed.stdout)

        # A broken file imports nothing and names the row, the column and the reason.
        broken = os.path.join(self.tmp, "officials.csv")
        with open(os.path.join(EXAMPLE, "directory", "officials.csv"), encoding="utf-8") as f:
            text = f.read()
        with open(broken, "w", encoding="utf-8") as f:
            f.write(text.replace("Mads Skau,Mads Skau", "Mads Skau,Mads Skau Jr.").replace(
                "council@mokpo.example.org", "council at mokpo"))
        r = run("directory", "import", broken, *self.common())
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing imported, 1 problem (officials)", r.stderr)
        self.assertIn('line 7, column email: "council at mokpo" is not an email address', r.stderr)
        shown = run("directory", "show", "haderslev-mayor", *self.common())
        self.assertIn("name_latin: Mads Skau\n", shown.stdout)

        r = run("generate", os.path.join(EXAMPLE, "templates", "friendship"), *self.common())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("3 created, 0 changed, 0 unchanged, 0 refused", r.stdout)
        ids = sorted(os.listdir(self.campaigns))
        self.assertEqual(ids, ["friendship-mokpo-aarhus", "friendship-naju-haderslev", "friendship-seoul-berlin"])
        checked = run("check", *self.common())
        self.assertEqual(checked.returncode, 0, checked.stdout)

        a, b = os.path.join(self.tmp, "site-a"), os.path.join(self.tmp, "site-b")
        for out in (a, b):
            r = run("build", "--out", out, "--public-url", PUBLIC_URL, *self.common())
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("building [", r.stderr)  # no progress bar when stderr is not a terminal
        cmp = filecmp.dircmp(a, b)
        self.assertEqual((cmp.left_only, cmp.right_only, cmp.diff_files), ([], [], []))
        exported = tree(a)
        self.assertEqual(exported, tree(b))
        self.assertIn("sitemap.xml", exported)

        # The served pages, with the same public URL, are the exported bytes.
        server = PublicServer(os.path.join(self.tmp, "serve-data"), campaigns=self.campaigns,
                        extra=["--public-url", PUBLIC_URL])
        server.start()
        try:
            for cid in ids:
                for lang in ("en", "da", "ko"):
                    status, _, body = server.request("GET", "/%s/%s/" % (cid, lang))
                    self.assertEqual(status, 200)
                    self.assertEqual(body, exported[os.path.join(cid, lang, "index.html")], cid + " " + lang)
            status, _, body = server.request("GET", "/static/app.js")
            self.assertEqual((status, body), (200, exported[os.path.join("static", "app.js")]))
        finally:
            server.kill()


if __name__ == "__main__":
    unittest.main()
