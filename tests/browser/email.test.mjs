// The email block in a real browser: "send it for me" from the form to the confirmation link in
// the demo outbox, with JavaScript and without; errors shown beside their field with the values
// kept; "send it from my own mail" leads on and is counted; copy buttons copy.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CAMPAIGN, axeViolations, newPage, screenshot, serverAndBrowser, word } from "./support.mjs";

describe("the email block", () => {
  const env = serverAndBrowser();

  async function fillSupporter(page, { name, email, country }) {
    await page.fill("#m-name", name);
    await page.fill("#m-email", email);
    await page.selectOption("#m-country", country);
  }

  // Opens the demo outbox and follows the newest confirmation link sent to `email`.
  async function confirmFromOutbox(page, email, lang) {
    await page.goto(`${env.server.url}/demo/outbox`);
    const mail = page.locator("article, section, li, div").filter({ hasText: email }).filter({ has: page.locator('a[href*="/confirm/"]') }).last();
    const href = await mail.locator('a[href*="/confirm/"]').first().getAttribute("href");
    assert.ok(href, "the confirmation mail is in the demo outbox");
    const res = await page.goto(href);
    assert.equal(res.status(), 200);
    assert.equal((await page.locator("h1").innerText()).trim(), word(lang, "confirm.done.title"));
  }

  test("with JavaScript (en): the answer appears in place, the link confirms", async () => {
    const page = await newPage(env.browser);
    await page.goto(`${env.server.url}/${CAMPAIGN}/en/`);
    await fillSupporter(page, { name: "Ana Lima", email: "ana.js@example.net", country: "PT" });
    await page.fill("#m-note", "I visited Haderslev in 2019.");
    await page.click("#email-form button[type=submit]");
    const result = page.locator("#email-form .result");
    await result.filter({ hasText: "ana.js@example.net" }).waitFor();
    assert.equal(page.url(), `${env.server.url}/${CAMPAIGN}/en/`, "no page change");
    await screenshot(page, "email-en-js-pending");
    await confirmFromOutbox(page, "ana.js@example.net", "en");
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  test("without JavaScript (da): errors beside their fields, values kept, then the notice page", async () => {
    const page = await newPage(env.browser, { javaScript: false });
    await page.goto(`${env.server.url}/${CAMPAIGN}/da/`);
    await page.fill("#m-name", "Søren Ærø");
    await page.fill("#m-email", "not-an-address");
    await page.click("#email-form button[type=submit]");
    // The answer is the page again, with the problems.
    const email = page.locator("#m-email");
    assert.equal(await email.getAttribute("aria-invalid"), "true");
    assert.equal(await email.inputValue(), "not-an-address");
    assert.equal(await page.locator("#m-name").inputValue(), "Søren Ærø");
    const described = await email.getAttribute("aria-describedby");
    assert.ok(described && (await page.locator(`#${described.split(" ").pop()}`).innerText()).length > 0);
    assert.deepEqual(await axeViolations(page), [], "the page with errors is accessible");
    await screenshot(page, "email-da-nojs-errors");

    await page.fill("#m-email", "soren.nojs@example.net");
    await page.selectOption("#m-country", "DK");
    await page.click("#email-form button[type=submit]");
    assert.equal((await page.locator("h1").innerText()).trim(), word("da", "confirm.pending.title"));
    await confirmFromOutbox(page, "soren.nojs@example.net", "da");
    await page.context().close();
  });

  test("Korean page: a Korean name goes through, the message is shown in Danish beside Korean", async () => {
    const page = await newPage(env.browser, { locale: "ko-KR" });
    await page.goto(`${env.server.url}/${CAMPAIGN}/ko/`);
    assert.equal(await page.getAttribute("#m-body", "lang"), "da");
    await fillSupporter(page, { name: "김민지", email: "minji@example.net", country: "KR" });
    await page.click("#email-form button[type=submit]");
    await page.locator("#email-form .result").filter({ hasText: "minji@example.net" }).waitFor();
    await confirmFromOutbox(page, "minji@example.net", "ko");
    await page.context().close();
  });

  test("own mail: Gmail opens the filled compose page, mailto is counted, copy buttons copy", async () => {
    const page = await newPage(env.browser);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
    // Nothing may leave the machine: Gmail's compose page is answered here.
    let composed = null;
    await page.route("https://mail.google.com/**", (route) => {
      composed = route.request().url();
      return route.fulfill({ status: 200, contentType: "text/html", body: "<title>compose</title>" });
    });
    await page.goto(`${env.server.url}/${CAMPAIGN}/en/`);
    const beacon = page.waitForRequest((req) => req.url().endsWith("/email/open/mailto") && req.method() === "POST");
    // The mail program would open; the test keeps the page and checks the count is sent.
    await page.evaluate(() => document.querySelector('a[href^="mailto:"]').addEventListener("click", (e) => e.preventDefault()));
    await page.click('a[href^="mailto:"]');
    await beacon;

    const copy = page.locator(".copy-fields button.copy").first();
    await copy.click();
    await page.locator(".copy-fields button.copy", { hasText: word("en", "copy.done") }).first().waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(copied.includes("borgmester@haderslev.example.org"), `copied: ${copied}`);

    await page.click("text=Gmail");
    await page.waitForURL("https://mail.google.com/**");
    assert.ok(composed.includes("to=borgmester%40haderslev.example.org"), composed);
    await page.context().close();
  });
});
