// The page's live post counter (static/app.js) against the cases the server's counts are held to
// (tests/unit/fixtures/post_counts.json; post_text_test checks the C++ side). Runs the real file
// in a bare context: the counting part does not touch the page.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = process.env.TWINNING_SOURCE_DIR || path.join(__dirname, "..", "..");
const code = fs.readFileSync(path.join(root, "static", "app.js"), "utf8");
// A stand-in for the page that answers every lookup with nothing found.
const nothing = new Proxy(function () { return nothing; }, {
  get: (target, key) => (key === "forEach" ? () => {} : nothing),
  apply: () => nothing,
});
const context = { module: { exports: {} }, document: nothing, window: nothing, navigator: {}, Intl };
vm.createContext(context);
vm.runInContext(code, context, { filename: "static/app.js" });
const counts = context.module.exports;

const cases = JSON.parse(fs.readFileSync(path.join(root, "tests", "unit", "fixtures", "post_counts.json"), "utf8"));
let passed = 0;
let failed = 0;
for (const c of cases) {
  const got = { x: counts.x(c.text), bluesky: counts.bluesky(c.text), mastodon: counts.mastodon(c.text) };
  if (got.x === c.x && got.bluesky === c.bluesky && got.mastodon === c.mastodon) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${c.why}: ${JSON.stringify(c.text)} expected x=${c.x} bluesky=${c.bluesky} ` +
                `mastodon=${c.mastodon}, got x=${got.x} bluesky=${got.bluesky} mastodon=${got.mastodon}`);
  }
}
console.log(`app.js post counts: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
