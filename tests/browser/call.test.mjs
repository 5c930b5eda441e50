// The call block as a supporter uses it: with JavaScript the block follows the browser (country
// from its language, "your time" from its time zone) and a chosen country, and the outcome buttons
// answer in place; without JavaScript the country form reloads the page for that country and an
// outcome lands on a thank-you page. The server's clock is the real one here, so the tests look
// at what does not depend on the hour: the dial strings, the zone named, the answers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CAMPAIGN, axeViolations, newPage, screenshot, serverAndBrowser, word } from "./support.mjs";

describe("the call block", () => {
  const env = serverAndBrowser();

  test("with JavaScript: the browser's country and clock, another country, an outcome", async () => {
    const context = await env.browser.newContext({ locale: "en-US", timezoneId: "America/Chicago",
                                               viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    page.on("console", (msg) => { if (msg.type() === "error") errors.push(msg.text()); });
    await page.goto(`${env.server.url}/${CAMPAIGN}/en/`);
    await page.locator("#channel-call").scrollIntoViewIfNeeded();
    // Guessed from the browser's language (en-US), told in the browser's zone.
    await page.locator("#call-block .dial-string").first().waitFor();
    assert.equal(await page.locator("#call-block .dial-string").first().textContent(), "011 45 40 78 14 75");
    assert.equal(await page.locator("#call-from").inputValue(), "US");
    assert.match(await page.locator("#call-block").textContent(), /the time in Chicago/);
    assert.equal(await page.locator("#call-tz").inputValue(), "America/Chicago");
    assert.deepEqual(await axeViolations(page), [], "the block for one caller, zone list included, is accessible");

    // Korea has a prefix per phone company: the page says so instead of choosing.
    await page.locator("#call-from").selectOption("KR");
    await page.locator("#call-block .hint", { hasText: "001, 002" }).waitFor();
    assert.equal(await page.locator("#call-block .dial-string").first().textContent(), "+45 40 78 14 75");
    await screenshot(page, "call-en-js-from-KR-390x844");

    await page.locator("#call-block form.call-outcome button[value=wrong_number]").first().click();
    const thanks = word("en", "channel.call.outcome.thanks_wrong");
    await page.locator("#call-block .result", { hasText: thanks }).waitFor();
    assert.ok(await page.locator("#call-block form.call-outcome button[value=reached]").first().isDisabled(),
              "one report per call");
    assert.deepEqual(errors, [], "no script error");
    await context.close();
  });

  test("without JavaScript: the country form reloads the page, an outcome lands on a page", async () => {
    const page = await newPage(env.browser, { javaScript: false });
    await page.goto(`${env.server.url}/${CAMPAIGN}/da/`);
    // Rendered once: the number in international format and how to use it, nothing guessed.
    assert.equal(await page.locator("#call-block .dial-string").count(), 0);
    await page.locator("#call-from").selectOption("DK");
    await Promise.all([page.waitForURL(/[?&]from=DK/), page.locator("form.call-from button[type=submit]").click()]);
    assert.equal(await page.locator("#call-block .dial-string").first().textContent(), "40 78 14 75");
    assert.equal(await page.locator("#call-from").inputValue(), "DK");

    await Promise.all([page.waitForURL(/\/call\/thanks\?outcome=reached$/),
                       page.locator("form.call-outcome button[value=reached]").first().click()]);
    assert.match(await page.locator("main").textContent(), new RegExp(word("da", "channel.call.outcome.thanks").slice(0, 20)));
    assert.deepEqual(page.outsideRequests, [], "no request leaves this server");
    await page.context().close();
  });
});
