// The campaign page as a supporter on a phone meets it, in each language, with and without
// JavaScript: every channel block is there, nothing is fetched from another host, the first view
// is small, axe-core finds no violation, and screenshots are kept for a person to look at.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CAMPAIGN, LANGUAGES, axeViolations, newPage, screenshot, serverAndBrowser } from "./support.mjs";

const CHANNELS = ["email", "webform", "letter", "call", "post", "share", "petition"];

describe("the campaign page", () => {
  const env = serverAndBrowser();

  for (const lang of LANGUAGES) {
    for (const javaScript of [true, false]) {
      const mode = javaScript ? "js" : "nojs";
      test(`${lang}, ${javaScript ? "with" : "without"} JavaScript: complete, local, small, accessible`, async () => {
        const page = await newPage(env.browser, { javaScript });
        let transferred = 0;
        page.on("response", async (res) => {
          const length = Number((await res.allHeaders())["content-length"] ?? 0);
          transferred += length;
        });
        const res = await page.goto(`${env.server.url}/${CAMPAIGN}/${lang}/`, { waitUntil: "load" });
        assert.equal(res.status(), 200);
        assert.equal(await page.getAttribute("html", "lang"), lang);
        for (const ch of CHANNELS) {
          assert.ok(await page.locator(`#channel-${ch}`).isVisible(), `the ${ch} block is shown`);
        }
        // Text in another language than the page's is marked so (a Danish message in the English page).
        if (lang !== "da") {
          assert.ok(await page.locator('#channel-email [lang="da"]').count() > 0, "the Danish message is marked lang=da");
        }
        assert.deepEqual(page.outsideRequests, [], "no request leaves this server");
        assert.deepEqual(page.consoleErrors, [], "no script error");
        assert.ok(transferred < 100 * 1024, `first view is ${transferred} bytes compressed (limit 100 KB)`);
        await screenshot(page, `campaign-${lang}-${mode}-390x844`);
        await page.setViewportSize({ width: 1366, height: 900 });
        await screenshot(page, `campaign-${lang}-${mode}-1366x900`);
        await page.context().close();
      });
    }

    test(`${lang}: axe-core finds no violation, with JavaScript and without`, async () => {
      const page = await newPage(env.browser);
      await page.goto(`${env.server.url}/${CAMPAIGN}/${lang}/`);
      assert.deepEqual(await axeViolations(page), [], "with JavaScript");
      await page.context().close();
      // Without JavaScript: the same page with app.js refused, so axe (injected by the test) sees the
      // page a supporter without JavaScript gets.
      const bare = await newPage(env.browser);
      await bare.route("**/app.js", (route) => route.abort());
      await bare.goto(`${env.server.url}/${CAMPAIGN}/${lang}/`);
      assert.equal(await bare.locator("button.copy").count(), 0, "no copy buttons without app.js");
      assert.deepEqual(await axeViolations(bare), [], "without JavaScript");
      await bare.context().close();
    });
  }

  test("the index and an unknown address are accessible too", async () => {
    const page = await newPage(env.browser);
    await page.goto(`${env.server.url}/`);
    assert.deepEqual(await axeViolations(page), []);
    const missing = await page.goto(`${env.server.url}/no-such-campaign/en/`);
    assert.equal(missing.status(), 404);
    assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });
});
