// The browser's proof of work: app.js fetches a challenge and solves it before the form goes, so
// its forms are answered at once even when a form without a proof would wait half a minute.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { CAMPAIGN, launchBrowser, newPage, startServer } from "./support.mjs";

describe("the proof of work in the browser", () => {
  let server, browser;
  before(async () => {
    server = await startServer({ config: "proof_of_work:\n  bits: 14\n  fallback_delay: 30000\n" });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a form sent with JavaScript carries a valid proof and is answered without the delay", async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/${CAMPAIGN}/en/`);
    const sent = [];
    page.on("request", (req) => { if (req.method() === "POST") sent.push(req.postDataJSON()); });
    await page.fill("#s-name", "Ada Lovelace");
    await page.fill("#s-email", "ada.pow@example.net");
    await page.selectOption("#s-country", "GB");
    const started = Date.now();
    await page.click("#petition-form button[type=submit]");
    await page.locator("#petition-form .result").filter({ hasText: "ada.pow@example.net" }).waitFor({ timeout: 20000 });
    assert.ok(Date.now() - started < 20000, "answered before the 30 s delay a form without proof waits");
    assert.equal(sent.length, 1);
    assert.match(sent[0].pow_challenge, /^\d+\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    assert.match(sent[0].pow_solution, /^\d+$/);
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
});
