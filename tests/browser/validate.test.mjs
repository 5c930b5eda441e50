// The W3C validator (vnu.jar from npm, run on the machine's Java) finds no error in any page the
// server renders: the campaign page in each language, the index, the form answered with errors,
// the "check your inbox" notice, the confirmation pages, the demo outbox, a 404; the letter and
// petition forms with errors, their notices and the petition's numbers page.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { BIN, CAMPAIGN, LANGUAGES, SOURCE_DIR, startServer } from "./support.mjs";

const require = createRequire(import.meta.url);
const VNU_JAR = join(require.resolve("vnu-jar/package.json"), "..", "build", "dist", "vnu.jar");

describe("every rendered page is valid HTML", () => {
  let server, dir;
  before(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), "twinning-vnu-"));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("vnu.jar reports no error", async () => {
    const pages = [];
    async function keep(name, res, expectedStatus) {
      assert.equal(res.status, expectedStatus, `${name}: status`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, `${name}: content type`);
      const file = join(dir, `${name}.html`);
      writeFileSync(file, await res.text());
      pages.push(file);
    }
    const form = (fields) => ({
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    await keep("index", await fetch(`${server.url}/`), 200);
    await keep("not-found", await fetch(`${server.url}/no-such-campaign/en/`), 404);
    for (const lang of LANGUAGES) {
      await keep(`campaign-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/`), 200);
      await keep(`embed-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/embed`), 200);
      await keep(`email-errors-${lang}`,
                 await fetch(`${server.url}/${CAMPAIGN}/${lang}/email`, form({ name: "<b>x</b>", email: "nope" })), 400);
      await keep(`email-pending-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/email`,
                 form({ name: "Vera", email: `vera.${lang}@example.net`, country: "DK", idempotency_key: `vnu-${lang}-000000000000` })), 202);
      await keep(`action-errors-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/action`, form({ channel: "fax" })), 400);
      await keep(`letter-errors-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/letter`,
                 form({ name: "<i>x</i>", email: "nope", address_line1: "" })), 400);
      await keep(`letter-print-pending-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/letter`,
                 form({ name: "Vera", email: `vera.letter.${lang}@example.net`, country: "DK", address_line1: "Østergade 1",
                        print_for_me: "yes", idempotency_key: `vnu-letter-${lang}-00000000` })), 202);
      await keep(`petition-errors-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/petition`,
                 form({ name: "", email: "nope", comment: "<script>x</script>" })), 400);
      await keep(`petition-pending-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/petition`,
                 form({ name: "Vera", email: `vera.petition.${lang}@example.net`, country: "DK" })), 202);
      await keep(`petition-count-${lang}`, await fetch(`${server.url}/${CAMPAIGN}/${lang}/petition`), 200);
    }
    const outbox = await fetch(`${server.url}/demo/outbox`);
    const outboxHtml = await outbox.clone().text();
    await keep("demo-outbox", outbox, 200);
    const link = outboxHtml.match(/href="http:\/\/127\.0\.0\.1:\d+(\/confirm\/[A-Za-z0-9_-]+)"/);
    assert.ok(link, "a confirmation link in the demo outbox");
    await keep("confirmed", await fetch(`${server.url}${link[1]}`), 200);
    await keep("already-confirmed", await fetch(`${server.url}${link[1]}`), 200);
    await keep("unknown-link", await fetch(`${server.url}/confirm/AAAAAAAAAAAAAAAAAAAAAAAA`), 404);

    // The organizer pages, signed in (an account made with `twinning user add` on the same store).
    const added = spawnSync(BIN, ["user", "add", "vnu@example.org", "--role", "organizer", "--password-stdin",
                                  "--data", server.dataDir, "--resources", SOURCE_DIR],
                            { input: "correct horse battery\n", encoding: "utf8" });
    assert.equal(added.status, 0, added.stderr);
    const loginPage = await fetch(`${server.url}/admin/login`);
    const loginCookie = (loginPage.headers.get("set-cookie") ?? "").split(";")[0];
    const loginCsrf = (await loginPage.clone().text()).match(/name="login_csrf" value="([^"]+)"/)[1];
    await keep("admin-login", loginPage, 200);
    const signIn = (password) => fetch(`${server.url}/admin/login`, {
      method: "POST", redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: loginCookie },
      body: new URLSearchParams({ login_csrf: loginCsrf, next: "/admin", email: "vnu@example.org", password }).toString(),
    });
    await keep("admin-login-wrong", await signIn("wrong password"), 403);
    const signedIn = await signIn("correct horse battery");
    assert.equal(signedIn.status, 303);
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith("twinning_session=")).split(";")[0];
    await keep("admin-index", await fetch(`${server.url}/admin`, { headers: { Cookie: session } }), 200);
    await keep("admin-campaign", await fetch(`${server.url}/admin/${CAMPAIGN}`, { headers: { Cookie: session } }), 200);
    await keep("admin-forbidden", await fetch(`${server.url}/admin/outbox/1/retry`,
               { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: session },
                 body: "csrf=wrong" }), 403);

    const run = spawnSync("java", ["-jar", VNU_JAR, "--errors-only", "--format", "json", ...pages],
                          { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    assert.ok(run.error === undefined, `java could not run: ${run.error}`);
    const report = JSON.parse(run.stderr || "{\"messages\":[]}");
    const errors = report.messages.filter((m) => m.type === "error" || m.subType === "fatal");
    const described = errors.map((m) => `${m.url.split("/").pop()}:${m.lastLine}: ${m.message}`);
    console.log(`vnu.jar checked ${pages.length} pages: ${errors.length} errors`);
    assert.deepEqual(described, []);
  });
});
