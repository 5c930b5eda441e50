// The embed snippet on an organizer's page served from another origin: the iframe shows the action
// block and grows with its content, a form inside it works; a site not listed in embed_origins
// cannot frame the page (the CSP's frame-ancestors), and the snippet ignores messages from others.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";

import { CAMPAIGN, axeViolations, launchBrowser, newPage, screenshot, startServer, word } from "./support.mjs";

// An organizer's page on another origin with the snippet; `twinningUrl()` is read per request, as
// twinning starts after these sites (its embed_origins names one of them).
function organizerSite(twinningUrl) {
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Our association</title></head>
<body><h1>Our association</h1><p>Please act:</p>
<script src="${twinningUrl()}/static/embed.js" data-campaign="${CAMPAIGN}" data-lang="en" data-title="Take action" async></script>
<p id="after">After the embed</p></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("the embed snippet", () => {
  let twinning, browser, allowed, other;
  before(async () => {
    allowed = await organizerSite(() => twinning.url);
    other = await organizerSite(() => twinning.url);
    const allowedOrigin = `http://127.0.0.1:${allowed.address().port}`;
    twinning = await startServer({ config: `embed_origins: ["${allowedOrigin}"]\n` });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await twinning?.stop();
    allowed?.close();
    other?.close();
  });

  test("a listed site shows the action block, sized to its content; a form inside works", async () => {
    const page = await newPage(browser, { viewport: { width: 1366, height: 900 } });
    await page.goto(`http://127.0.0.1:${allowed.address().port}/`);
    const frameEl = page.locator("iframe[title='Take action']");
    await frameEl.waitFor();
    const frame = page.frameLocator("iframe[title='Take action']");
    await frame.locator("#act-h").waitFor();
    assert.equal(await frame.locator("header.site").count(), 0, "no site header in the embed");
    // The iframe's height follows the framed page's (postMessage from app.js).
    await page.waitForFunction(() => {
      const f = document.querySelector("iframe");
      return f && parseInt(f.style.height, 10) > 1000;
    });
    const inner = await frame.locator("body").evaluate((b) => Math.ceil(b.getBoundingClientRect().height));
    const outer = await frameEl.evaluate((f) => parseInt(f.style.height, 10));
    assert.ok(Math.abs(inner - outer) <= 2, `iframe ${outer}px for content ${inner}px`);
    await screenshot(page, "embed-en-organizer-site");

    await frame.locator("#s-name").fill("Ada Lovelace");
    await frame.locator("#s-email").fill("ada.embed@example.net");
    await frame.locator("#s-country").selectOption("GB");
    await frame.locator("#petition-form button[type=submit]").click();
    await frame.locator("#petition-form .result").filter({ hasText: "ada.embed@example.net" }).waitFor();
    assert.deepEqual(page.consoleErrors.filter((e) => !e.includes("favicon")), []);
    await page.context().close();
  });

  test("the embed page itself passes axe", async () => {
    const page = await newPage(browser);
    await page.goto(`${twinning.url}/${CAMPAIGN}/da/embed`);
    assert.equal(await page.locator("html").getAttribute("lang"), "da");
    assert.equal((await page.locator(".embed-source a").innerText()).trim(), word("da", "embed.full_page"));
    assert.deepEqual(await axeViolations(page), []);
    await page.context().close();
  });

  test("a site not in embed_origins cannot frame the page", async () => {
    const page = await newPage(browser);
    await page.goto(`http://127.0.0.1:${other.address().port}/`);
    await page.locator("iframe").waitFor();
    // Chromium refuses the framed document: it never gets the action section.
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f.url().includes("/embed"));
    const hasContent = frame ? await frame.locator("#act-h").count().catch(() => 0) : 0;
    assert.equal(hasContent, 0);
    await page.context().close();
  });
});
