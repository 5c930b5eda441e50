"""The organizer API, the CSV exports and the privacy commands with the real binary: keys made and
revoked with `twinning apikey` while serve runs, OSDI-shaped responses whose field names are checked
against the OSDI documents and examples in ../shared/peer-suites/osdi (skipped, saying so, when that
folder is absent), paging and date filters, CSV, and `twinning person erase` leaving no trace of the
person in any table of the database."""
import csv
import glob
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import tempfile
import unittest
import urllib.parse

from test_email import wait_for
from twinning_process import Server, SOURCE_DIR, run

CAMPAIGN = "naju-haderslev"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
OSDI_DIR = os.path.join(SOURCE_DIR, "..", "shared", "peer-suites", "osdi")
RESOURCES = ("advocacy_campaigns", "outreaches", "petitions", "signatures", "people")


def osdi_field_names(resource):
    """Every field name the OSDI documents give a resource: the keys of its examples (at any depth)
    and the names in the field tables of its page and the shared includes ("target.title" gives
    target and title)."""
    names = set()

    def keys(value):
        if isinstance(value, dict):
            for k, v in value.items():
                names.add(k)
                keys(v)
        elif isinstance(value, list):
            for v in value:
                keys(v)

    for path in glob.glob(os.path.join(OSDI_DIR, "examples", resource + ".*.json")):
        with open(path) as f:
            keys(json.load(f))
    pages = [os.path.join(OSDI_DIR, resource + ".md")] + glob.glob(os.path.join(OSDI_DIR, "_includes", "*.md"))
    for path in pages:
        with open(path) as f:
            for line in f:
                m = re.match(r"^\|\s*([a-z_][a-z_.]*)\s*\|", line)
                if m:
                    names.update(m.group(1).split("."))
    return names


def fields_outside(obj, allowed, where=""):
    """The keys of obj (at any depth, except the link relations under _links) that OSDI does not name."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in allowed:
                out.append(where + k)
            if k != "_links":
                out += fields_outside(v, allowed, where + k + ".")
    elif isinstance(obj, list):
        for v in obj:
            out += fields_outside(v, allowed, where)
    return out


class ApiTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twinning-api-")
        self.data = os.path.join(self.tmp, "data")
        made = run("apikey", "create", "integration test", "--data", self.data)
        self.assertEqual(made.returncode, 0, made.stderr)
        self.key = made.stdout.strip()
        self.assertRegex(self.key, r"^twk_[0-9a-f]{16}_[0-9a-f]{64}$")
        self.server = Server(self.data).start()

    def tearDown(self):
        self.server.kill(signal.SIGTERM)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def api(self, path, key=None, header="OSDI-API-Token"):
        key = self.key if key is None else key
        headers = {header: key if header == "OSDI-API-Token" else "Bearer " + key} if key else {}
        return self.server.request("GET", path, headers=headers)

    def get(self, path, **kw):
        status, headers, body = self.api(path, **kw)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["content-type"].startswith("application/hal+json"), headers)
        self.assertEqual(headers.get("cache-control"), "no-store")
        return json.loads(body)

    def act(self, n, email=None, name=None):
        fields = dict(name=name or f"Caller {n}", email=email or f"caller{n}@example.net", country="DK", channel="call",
                      target="haderslev-mayor", idempotency_key=f"api-test-key-{n:08d}", consent_this_campaign=True)
        status, _, body = self.server.request("POST", f"/{CAMPAIGN}/en/action", body=json.dumps(fields),
                                              headers=JSON_HEADERS)
        self.assertEqual(status, 201, body)

    def sign(self, email, name):
        body = dict(name=name, email=email, country="DK", comment="Please, \"act\"\nnow", consent_public="yes")
        status, _, answer = self.server.request("POST", f"/{CAMPAIGN}/en/petition", body=json.dumps(body),
                                                headers=JSON_HEADERS)
        self.assertEqual(status, 202, answer)

        def link():
            page = self.server.request("GET", "/demo/outbox")[2].decode()
            m = re.search(r'href="http://127\.0\.0\.1:\d+(/confirm/[A-Za-z0-9_-]+)"', page)
            return m.group(1) if m else None
        self.assertEqual(self.server.request("GET", wait_for(link, what="the confirmation link"))[0], 200)

    def test_a_key_is_required_and_revocation_is_immediate(self):
        for path in ("/api/v1/", "/api/v1/people", f"/api/v1/exports/{CAMPAIGN}/people.csv"):
            status, headers, body = self.api(path, key="")
            self.assertEqual(status, 401, path)
            self.assertIn("Bearer", headers["www-authenticate"])
            self.assertEqual(json.loads(body)["error"], "unauthorized")
        wrong = self.key[:-1] + ("0" if self.key[-1] != "0" else "1")
        self.assertEqual(self.api("/api/v1/people", key=wrong)[0], 401)
        self.assertEqual(self.api("/api/v1/people", key="twk_garbage")[0], 401)
        self.assertEqual(self.api("/api/v1/people")[0], 200)
        self.assertEqual(self.api("/api/v1/people", header="Authorization")[0], 200)

        listed = run("apikey", "list", "--data", self.data)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("integration test", listed.stdout)
        self.assertNotIn(self.key.split("_")[2], listed.stdout)  # never the secret
        key_id = re.search(r"^\s*(\d+)\s", listed.stdout.splitlines()[1]).group(1)
        revoked = run("apikey", "revoke", key_id, "--data", self.data)
        self.assertEqual(revoked.returncode, 0, revoked.stderr)
        self.assertEqual(self.api("/api/v1/people")[0], 401)
        self.assertEqual(self.api("/api/v1/people", header="Authorization")[0], 401)
        self.assertEqual(run("apikey", "revoke", "999", "--data", self.data).returncode, 1)

    def test_resources_paging_and_filters(self):
        for n in range(3):
            self.act(n)
        self.sign("signer@example.net", "Signe Signer")

        campaigns = self.get("/api/v1/advocacy_campaigns")
        self.assertEqual(campaigns["total_records"], 1)
        campaign = campaigns["_embedded"]["osdi:advocacy_campaigns"][0]
        self.assertEqual(campaign["name"], CAMPAIGN)
        self.assertEqual(campaign["total_outreaches"], 3)
        self.assertTrue(campaign["target_list"])
        self.assertEqual(self.get(f"/api/v1/advocacy_campaigns/{CAMPAIGN}")["total_outreaches"], 3)

        page1 = self.get(f"/api/v1/advocacy_campaigns/{CAMPAIGN}/outreaches?per_page=2")
        self.assertEqual((page1["total_records"], page1["total_pages"], page1["per_page"]), (3, 2, 2))
        outreaches = page1["_embedded"]["osdi:outreaches"]
        self.assertEqual(len(outreaches), 2)
        self.assertEqual(outreaches[0]["type"], "phone")
        self.assertEqual(outreaches[0]["targets"][0]["given_name"], "Mads Skau")
        next_url = urllib.parse.urlsplit(page1["_links"]["next"]["href"])
        page2 = self.get(next_url.path + "?" + next_url.query)
        self.assertEqual(len(page2["_embedded"]["osdi:outreaches"]), 1)
        self.assertIn("prev", page2["_links"])
        self.assertNotIn("next", page2["_links"])
        one = self.get(urllib.parse.urlsplit(outreaches[0]["_links"]["self"]["href"]).path)
        self.assertEqual(one["identifiers"], outreaches[0]["identifiers"])
        person_url = urllib.parse.urlsplit(one["_links"]["osdi:person"]["href"]).path
        self.assertEqual(self.get(person_url)["email_addresses"][0]["address"], "caller0@example.net")

        quote = urllib.parse.quote
        future = self.get(f"/api/v1/advocacy_campaigns/{CAMPAIGN}/outreaches?filter=" +
                          quote("modified_date gt '2099-01-01'"))
        self.assertEqual(future["total_records"], 0)
        past = self.get("/api/v1/people?filter=" + quote("created_date lt '2099-01-01T00:00:00Z' and "
                                                         "created_date gt '2000-01-01'"))
        self.assertEqual(past["total_records"], 4)
        for bad in ("modified_date eq '2026-01-01'", "modified_date gt 2026", "name gt 'x'"):
            status, _, body = self.api("/api/v1/people?filter=" + quote(bad))
            self.assertEqual(status, 400, bad)
            self.assertEqual(json.loads(body)["error"], "bad_request")
        for bad in ("per_page=0", "per_page=101", "page=0", "page=x"):
            self.assertEqual(self.api("/api/v1/people?" + bad)[0], 400, bad)
        self.assertEqual(self.api("/api/v1/people/999999")[0], 404)
        self.assertEqual(self.api("/api/v1/people/abc")[0], 404)
        self.assertEqual(self.api("/api/v1/advocacy_campaigns/nope/outreaches")[0], 404)

        petition = self.get(f"/api/v1/petitions/{CAMPAIGN}")
        self.assertEqual(petition["total_signatures"], 1)
        self.assertTrue(petition["petition_text"])
        signatures = self.get(f"/api/v1/petitions/{CAMPAIGN}/signatures")
        self.assertEqual(signatures["total_records"], 1)
        self.assertEqual(signatures["_embedded"]["osdi:signatures"][0]["comments"], "Please, \"act\"\nnow")

    @unittest.skipUnless(os.path.isdir(OSDI_DIR), f"the OSDI peer suite is not at {OSDI_DIR}: field names unchecked")
    def test_field_names_are_osdi_names(self):
        self.act(0)
        self.sign("signer@example.net", "Signe Signer")
        sig_list = self.get(f"/api/v1/petitions/{CAMPAIGN}/signatures")
        out_list = self.get(f"/api/v1/advocacy_campaigns/{CAMPAIGN}/outreaches")
        responses = {
            "advocacy_campaigns": [self.get(f"/api/v1/advocacy_campaigns/{CAMPAIGN}")],
            "petitions": [self.get(f"/api/v1/petitions/{CAMPAIGN}")],
            "signatures": sig_list["_embedded"]["osdi:signatures"],
            "outreaches": out_list["_embedded"]["osdi:outreaches"],
            "people": self.get("/api/v1/people")["_embedded"]["osdi:people"],
        }
        for resource in RESOURCES:
            allowed = osdi_field_names(resource)
            self.assertIn("identifiers", allowed, resource)  # the suite was read
            self.assertTrue(responses[resource], resource)
            for item in responses[resource]:
                self.assertEqual(fields_outside(item, allowed), [], resource)
                for common in ("identifiers", "origin_system", "_links"):
                    self.assertIn(common, item, resource)
                self.assertIn("self", item["_links"])
        # The collection's own fields, as in OSDI's collection scenarios.
        for key in ("total_pages", "per_page", "page", "total_records", "_links", "_embedded"):
            self.assertIn(key, out_list)

    def test_csv_exports(self):
        self.act(0, email="ana@example.net")
        self.act(1, email="bo@example.net", name="=HYPERLINK(\"http://x\", \"y\")")
        status, headers, body = self.api(f"/api/v1/exports/{CAMPAIGN}/people.csv?bom=1")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["content-type"].startswith("text/csv"))
        self.assertIn("attachment", headers["content-disposition"])
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        text = body[3:].decode()
        self.assertTrue(text.endswith("\r\n"))
        self.assertNotIn("\n", text.replace("\r\n", ""))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(rows[0], ["id", "name", "email", "country", "phone", "created", "modified"])
        self.assertEqual([r[2] for r in rows[1:]], ["ana@example.net", "bo@example.net"])
        self.assertEqual(rows[2][1], "'=HYPERLINK(\"http://x\", \"y\")")
        self.assertEqual(self.api(f"/api/v1/exports/{CAMPAIGN}/nothing.csv")[0], 404)
        self.assertEqual(self.api(f"/api/v1/exports/{CAMPAIGN}/people.csv?bom=2")[0], 400)

        out = os.path.join(self.tmp, "actions.csv")
        made = run("export", "actions", CAMPAIGN, "--out", out, "--data", self.data)
        self.assertEqual(made.returncode, 0, made.stderr)
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][4], "call")
        self.assertFalse(os.path.exists(out + ".partial"))
        self.assertEqual(run("export", "everything", CAMPAIGN, "--data", self.data).returncode, 2)

    def test_person_export_and_erase_leave_no_trace(self):
        self.act(0, email="Erin.Erasable@example.net")
        self.sign("erin.erasable@example.net", "Erin Erasable")
        self.act(1, email="keeper@example.net")
        exported = run("person", "export", "ERIN.ERASABLE@example.net", "--data", self.data)
        self.assertEqual(exported.returncode, 0, exported.stderr)
        data = json.loads(exported.stdout)
        self.assertEqual(data["supporter"]["email"], "erin.erasable@example.net")
        self.assertEqual(len(data["actions"]), 2)
        self.assertEqual(len(data["signatures"]), 1)
        self.assertTrue(data["consents"])
        self.assertTrue(any("Erin Erasable" in m["message"] for m in data["outbox"]))

        erased = run("person", "erase", "erin.erasable@example.net", "--data", self.data)
        self.assertEqual(erased.returncode, 0, erased.stderr)
        self.assertEqual(run("person", "export", "erin.erasable@example.net", "--data", self.data).returncode, 1)
        self.assertEqual(run("person", "erase", "erin.erasable@example.net", "--data", self.data).returncode, 1)
        # Counts stay: the outreach and the signature are still there, anonymously.
        self.assertEqual(self.get(f"/api/v1/advocacy_campaigns/{CAMPAIGN}")["total_outreaches"], 2)
        self.assertEqual(self.get(f"/api/v1/petitions/{CAMPAIGN}")["total_signatures"], 1)
        self.assertEqual(self.get("/api/v1/people")["total_records"], 1)

        with sqlite3.connect(os.path.join(self.data, "twinning.db")) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            seen = 0
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    for value in row:
                        text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                        seen += 1
                        self.assertNotIn("erasable", text.lower(), f"{table}: {text[:200]}")
                        self.assertNotIn("Erin", text, f"{table}: {text[:200]}")
            self.assertGreater(seen, 50)

    def test_retention_run(self):
        self.act(0)
        ran = run("retention", "run", "--data", self.data)
        self.assertEqual(ran.returncode, 0, ran.stderr)
        self.assertIn("Anonymized 0 supporters", ran.stdout)
        self.assertEqual(self.get("/api/v1/people")["total_records"], 1)


if __name__ == "__main__":
    unittest.main()
