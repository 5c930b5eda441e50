// What the browser suite shares: the real twinning binary on port 0 with a fresh data directory
// (mail stays in the spool), Debian's Chromium driven by playwright-core (no browser download),
// axe-core run inside the page, and screenshots kept as test output for a person to look at.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before } from "node:test";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

export const SOURCE_DIR = process.env.TWINNING_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = process.env.TWINNING_BIN;
export const OUTPUT_DIR = process.env.TWINNING_TEST_OUTPUT ?? join(SOURCE_DIR, "tests", "output", "browser");
export const CAMPAIGN = "naju-haderslev";
export const LANGUAGES = ["en", "da", "ko"];

// Starts `twinning serve` and resolves once it prints its address. `config` is YAML text.
export async function startServer({ config = "" } = {}) {
  if (!BIN) throw new Error("TWINNING_BIN is not set (ctest sets it to the release build's binary)");
  const dir = mkdtempSync(join(tmpdir(), "twinning-browser-"));
  const args = ["serve", "--listen", "127.0.0.1:0", "--data", join(dir, "data"),
                "--campaigns", join(SOURCE_DIR, "campaigns"), "--resources", SOURCE_DIR];
  // Every request comes from 127.0.0.1: the supporters' rate limits are off unless a test's own
  // configuration sets them.
  const limits = config.includes("rate_limits:") ? "" : "\nrate_limits:\n  per_address: 0\n  per_email: 0\n  per_target: 0\n";
  // The proof of work stays on (app.js does it in every test with JavaScript); its delay for
  // forms sent without JavaScript is short here so the no-JavaScript tests stay quick.
  const pow = config.includes("proof_of_work:") ? "" : "\nproof_of_work:\n  fallback_delay: 200\n";
  writeFileSync(join(dir, "twinning.yaml"), config + limits + pow);
  args.push("--config", join(dir, "twinning.yaml"));
  const proc = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error("twinning did not print its address:\n" + output)), 60000);
    const read = (chunk) => {
      output += chunk.toString();
      const m = output.match(/serving .* at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    proc.stdout.on("data", read);
    proc.stderr.on("data", read);
    proc.on("exit", (code) => reject(new Error(`twinning exited (${code}) before serving:\n${output}`)));
  });
  return {
    url,
    dataDir: join(dir, "data"),
    output: () => output,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.on("exit", r));
        proc.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Headless Chromium from Debian, offline: nothing it does may leave this machine.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

// A page that fails the test on any request leaving 127.0.0.1 (no CDN, no third party), and
// keeps the browser's console errors.
export async function newPage(browser, { javaScript = true, viewport = { width: 390, height: 844 }, locale = "en-US" } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport, locale });
  const page = await context.newPage();
  page.javaScriptEnabled = javaScript;  // evaluate() would wait forever in a page without it
  page.outsideRequests = [];
  page.consoleErrors = [];
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (!["127.0.0.1", ""].includes(u.hostname) && !u.protocol.startsWith("data")) page.outsideRequests.push(req.url());
  });
  page.on("console", (msg) => { if (msg.type() === "error") page.consoleErrors.push(msg.text()); });
  page.on("pageerror", (err) => page.consoleErrors.push(String(err)));
  return page;
}

// axe-core's violations in the page as it is now (rules as shipped: WCAG 2.x A and AA and best
// practices). A page without JavaScript cannot run axe: its DOM is loaded into a page with
// JavaScript on and app.js refused, at the same address, and checked there.
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
  // govern (a <script> tag would be refused by it, rightly).
  const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const inject = async (p) => p.evaluate(`${axeSource}\n;typeof window.axe === "object"`).catch(() => false);
  let target = page;
  if (page.javaScriptEnabled === false || !(await inject(page))) {
    const html = await page.content();
    const url = page.url();
    const context = await page.context().browser().newContext({ viewport: page.viewportSize() });
    target = await context.newPage();
    await target.route("**/app.js", (route) => route.abort());
    // A predicate, not the URL itself: route() reads a string as a glob, where "?" is special.
    await target.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
    await target.goto(url);
    if (!(await inject(target))) throw new Error("axe-core could not be loaded into the page");
  }
  try {
    const result = await target.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  } finally {
    if (target !== page) await target.context().close();
  }
}

export async function screenshot(page, name) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}

// An interface word from locales/<lang>.yaml (flat `key: "text"` lines), so the tests check what
// the supporter reads without copying it.
export function word(lang, key) {
  const text = readFileSync(join(SOURCE_DIR, "locales", `${lang}.yaml`), "utf8");
  for (const line of text.split("\n")) {
    if (line.startsWith(key + ":")) return JSON.parse(line.slice(key.length + 1).trim());
  }
  throw new Error(`locales/${lang}.yaml has no ${key}`);
}

// A word with its {{placeholders}} filled.
export function fill(text, vars) {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ""));
}

// For a describe(): starts a server and a browser before its tests and stops both after them.
// The returned object's `server` and `browser` are set once before() has run.
export function serverAndBrowser(options = {}) {
  const shared = { server: null, browser: null };
  before(async () => {
    shared.server = await startServer(options);
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}
