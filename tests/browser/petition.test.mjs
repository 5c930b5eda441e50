// The petition block in a real browser: the live counter (filled by app.js from the server's
// count, a link without JavaScript), signing with the answer in place, and "already signed".
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CAMPAIGN, axeViolations, newPage, screenshot, serverAndBrowser, word } from "./support.mjs";

describe("the petition block", () => {
  const env = serverAndBrowser();

  async function sign(page, { name, email, country }) {
    await page.fill("#s-name", name);
    await page.fill("#s-email", email);
    await page.selectOption("#s-country", country);
    await page.click("#petition-form button[type=submit]");
  }

  test("with JavaScript (ko): the counter speaks Korean, signing answers in place, twice is 'already signed'", async () => {
    const page = await newPage(env.browser, { locale: "ko-KR" });
    await page.goto(`${env.server.url}/${CAMPAIGN}/ko/`);
    const counter = page.locator("[data-petition-count]");
    await counter.filter({ hasText: "명이 서명했습니다" }).waitFor();
    await sign(page, { name: "김민지", email: "minji.petition@example.net", country: "KR" });
    const result = page.locator("#petition-form .result");
    await result.filter({ hasText: "minji.petition@example.net" }).waitFor();
    await screenshot(page, "petition-ko-js-signed");
    await page.reload();
    await sign(page, { name: "김민지", email: "MINJI.petition@example.net", country: "KR" });
    await result.filter({ hasText: word("ko", "petition.already_signed") }).waitFor();
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });

  test("without JavaScript (en): the counter is a link to the numbers; signing shows the notice page", async () => {
    const page = await newPage(env.browser, { javaScript: false });
    await page.goto(`${env.server.url}/${CAMPAIGN}/en/`);
    const link = page.locator("[data-petition-count] a");
    assert.equal((await link.innerText()).trim(), word("en", "channel.petition.see_count"));
    await sign(page, { name: "Ada Lovelace", email: "ada.petition@example.net", country: "GB" });
    assert.equal((await page.locator("h1").innerText()).trim(), word("en", "confirm.pending.title"));
    await page.goBack();
    await page.locator("[data-petition-count] a").click();
    assert.match(await page.locator("main").innerText(), /people have signed|person has signed/);
    await page.context().close();
  });
});
