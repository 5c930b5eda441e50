// The letter block in a real browser: the supporter's address goes in, a PDF comes out (a download
// with JavaScript, the same answer without), and "print and post them for me" waits for the mailed
// link. Errors are shown beside their field with every value kept.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";

import { CAMPAIGN, axeViolations, newPage, screenshot, serverAndBrowser, word } from "./support.mjs";

describe("the letter block", () => {
  const env = serverAndBrowser();

  async function fillLetter(page, { name, email, country, line1, line2 }) {
    await page.fill("#l-name", name);
    await page.fill("#l-email", email);
    await page.selectOption("#l-country", country);
    await page.fill("#l-line1", line1);
    if (line2) await page.fill("#l-line2", line2);
  }

  for (const lang of ["en", "da", "ko"]) {
    test(`with JavaScript (${lang}): "download" saves one PDF and says so in place`, async () => {
      const page = await newPage(env.browser, { locale: lang });
      await page.goto(`${env.server.url}/${CAMPAIGN}/${lang}/`);
      await fillLetter(page, { name: "Ana Lima", email: `ana.letter.${lang}@example.net`, country: "PT",
                               line1: "Rua das Flores 12", line2: "1200-195 Lisboa" });
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click(`#letter-form button:not([name])`),
      ]);
      assert.match(download.suggestedFilename(), /^letters-naju-haderslev\.pdf$/);
      const pdf = await readFile(await download.path());
      assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
      const result = page.locator("#letter-form .result");
      await result.filter({ hasText: word(lang, "channel.letter.form.downloading").slice(0, 10) }).waitFor();
      assert.equal(page.url(), `${env.server.url}/${CAMPAIGN}/${lang}/`, "no page change");
      assert.deepEqual(page.consoleErrors, []);
      assert.deepEqual(page.outsideRequests, []);
      await page.context().close();
    });
  }

  test("without JavaScript (da): a missing street is named, values kept; print-and-post waits for the link", async () => {
    const page = await newPage(env.browser, { javaScript: false });
    await page.goto(`${env.server.url}/${CAMPAIGN}/da/`);
    await fillLetter(page, { name: "Søren Ærø", email: "soren.letter@example.net", country: "DK", line1: " " });
    await page.click(`#letter-form button[name=print_for_me]`);
    const line1 = page.locator("#l-line1");
    assert.equal(await line1.getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator("#l-name").inputValue(), "Søren Ærø");
    assert.equal(await page.locator("#l-errors").count(), 1);
    assert.deepEqual(await axeViolations(page), [], "the page with errors is accessible");
    await screenshot(page, "letter-da-nojs-errors");

    await page.fill("#l-line1", "Østergade 12");
    await page.fill("#l-line2", "8000 Aarhus C");
    await page.click(`#letter-form button[name=print_for_me]`);
    assert.equal((await page.locator("h1").innerText()).trim(), word("da", "confirm.pending.title"));
    assert.match(await page.locator("main").innerText(), /soren\.letter@example\.net/);
    await page.context().close();
  });

  test("without JavaScript (en): download answers the PDF itself", async () => {
    const page = await newPage(env.browser, { javaScript: false });
    await page.goto(`${env.server.url}/${CAMPAIGN}/en/`);
    await fillLetter(page, { name: "Jo Smith", email: "jo.letter@example.net", country: "US",
                             line1: "1 Main Street", line2: "Springfield, IL 62701" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click(`#letter-form button:not([name])`),
    ]);
    const pdf = await readFile(await download.path());
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    await page.context().close();
  });
});
