// Progressive enhancement for the action form: the page works without this file.
// - gives each visit its own idempotency key, so a double submit records one action;
// - first guess of the supporter's country from the browser's language;
// - sends the form with fetch and shows the answer in place.
(function () {
  "use strict";
  // Counts a use of "send it from my own mail" (the server keeps only a count per day).
  function count(url) {
    if (!url) return;
    if (navigator.sendBeacon) navigator.sendBeacon(url);
    else fetch(url, { method: "POST", keepalive: true }).catch(function () {});
  }
  document.querySelectorAll("a[data-count]").forEach(function (a) {
    a.addEventListener("click", function () { count(a.dataset.count); });
  });

  // Copy buttons for the parts of the email a supporter sends from their own mail program.
  document.querySelectorAll(".copy-fields").forEach(function (box) {
    if (!navigator.clipboard) return;
    var counted = false;  // one count per visit, however many parts are copied
    box.querySelectorAll(".copyable").forEach(function (el) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = box.dataset.copy;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(el.textContent).then(function () {
          if (!counted) count(box.dataset.count);
          counted = true;
          button.textContent = box.dataset.copied;
          setTimeout(function () { button.textContent = box.dataset.copy; }, 2000);
        });
      });
      el.insertAdjacentElement("afterend", button);
    });
  });

  // The proof of work (src/app/proof_of_work.hpp): a fresh challenge from the server, then the
  // first number whose SHA-256 with the challenge and this form's key starts with `bits` zero bits,
  // in batches so the page stays responsive. Where the browser cannot (no crypto.subtle outside
  // https), the form still goes: the server only answers it later.
  function proofOfWork(formKey) {
    if (!window.crypto || !crypto.subtle || !window.TextEncoder) return Promise.resolve(null);
    return fetch("/pow", { headers: { "Accept": "application/json" } }).then(function (r) {
      return r.json();
    }).then(function (p) {
      if (!p.bits || !p.challenge) return null;
      var encoder = new TextEncoder();
      var prefix = p.challenge + ":" + formKey + ":";
      function zeroBits(buffer) {
        var bytes = new Uint8Array(buffer), n = 0;
        for (var i = 0; i < bytes.length; i++) {
          if (bytes[i] === 0) { n += 8; continue; }
          return n + Math.clz32(bytes[i]) - 24;
        }
        return n;
      }
      function attempt(start) {
        var batch = [];
        for (var i = start; i < start + 256; i++) batch.push(crypto.subtle.digest("SHA-256", encoder.encode(prefix + i)));
        return Promise.all(batch).then(function (digests) {
          for (var j = 0; j < digests.length; j++) {
            if (zeroBits(digests[j]) >= p.bits) return { challenge: p.challenge, solution: String(start + j) };
          }
          return attempt(start + 256);
        });
      }
      return attempt(0);
    }).catch(function () { return null; });
  }

  // Each form of the page gets its own idempotency key per visit.
  document.querySelectorAll("form.action").forEach(enhance);

  function enhance(form) {
    var key = form.querySelector("input[name=idempotency_key]");
    function newKey() {
      if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
      var a = new Uint8Array(16);
      crypto.getRandomValues(a);
      return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    }
    if (key && !key.value) key.value = newKey();

    var country = form.querySelector("select[name=country]");
    if (country && !country.value && navigator.language) {
      var m = /-([A-Za-z]{2})\b/.exec(navigator.language);
      if (m) country.value = m[1].toUpperCase();
    }

    var status = form.querySelector(".result");
    form.addEventListener("submit", function (ev) {
      if (!window.fetch) return;
      ev.preventDefault();
      var data = {};
      new FormData(form).forEach(function (v, k) { data[k] = v; });
      ["consent_this_campaign", "consent_other_campaigns", "consent_public"].forEach(function (k) {
        data[k] = data[k] === "yes";
      });
      // A named button says what to do (the letter block's "print and post them for me").
      if (ev.submitter && ev.submitter.name) data[ev.submitter.name] = ev.submitter.value;
      var download = form.getAttribute("data-download");
      // A form with one button per target (the web-form block) posts where the pressed one says.
      var button = ev.submitter || form.querySelector("button[type=submit]");
      var url = (ev.submitter && ev.submitter.getAttribute("formaction")) || form.action;
      button.disabled = true;
      proofOfWork(key ? key.value : "").then(function (proof) {
        if (proof) {
          data.pow_challenge = proof.challenge;
          data.pow_solution = proof.solution;
        }
        return fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json",
                     "Accept": download !== null ? "application/pdf, application/json" : "application/json" },
          body: JSON.stringify(data)
        });
      }).then(function (r) {
        // The letters come back as a PDF: saved as a file, the page stays as it is.
        if (r.ok && (r.headers.get("Content-Type") || "").indexOf("application/pdf") === 0) {
          return r.blob().then(function (blob) {
            var a = document.createElement("a");
            a.href = URL.createObjectURL(blob);
            var m = /filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "");
            a.download = m ? m[1] : "letters.pdf";
            document.body.appendChild(a);
            a.click();
            setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 60000);
            return { ok: true, body: { message: download } };
          });
        }
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        status.textContent = res.body.message || "";
        form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
        if (res.ok) {
          // A new action on this page gets a new key; the one just recorded stays recorded once.
          key.value = newKey();
        } else if (res.body.field) {
          var field = form.querySelector("[name=" + res.body.field + "]");
          if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
        }
      }).catch(function () {
        // Network trouble: fall back to the plain form post, which keeps the same key.
        form.setAttribute("action", url);  // where the pressed button posts
        form.submit();
      }).finally(function () { button.disabled = false; });
    });
  }
})();

// The post block: counts that follow the supporter's edits, X and Bluesky links that carry the
// edited text, and the Mastodon server checked before leaving the page. Without JavaScript the
// page shows the server's counts of the post as written, and the form goes through
// GET /{campaign}/{lang}/mastodon, which checks the server's name strictly.
//
// The counts follow src/domain/post_text.cpp (twitter-text v3 for X) and agree with it on
// ordinary text: tests/unit/fixtures/post_counts.json holds cases both are held to. Approximated:
// links are found only with http:// or https:// (twitter-text also finds bare domains such as
// example.com, with a list of top-level domains the page does not ship), and emoji are told by
// the browser's Unicode properties, which may be older or newer than the server's.
(function () {
  "use strict";
  var counts = (function () {
    var X_RANGES = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
    var LINK = 23;
    var URL_RE = /https?:\/\/[^\s\u3000]+/gi;
    var URL_END = /[\w\-+=#\/\u00C0-\u024F\u0400-\u04FF]$/;
    // An emoji sequence at the start of a grapheme: keycap, flag, or a pictograph shown as emoji
    // (by default, or by U+FE0F, a skin tone or a join), with what continues the sequence.
    var EMOJI = /^(?:[#*0-9]\uFE0F?\u20E3|\p{Regional_Indicator}{1,2}|(?:\p{Emoji_Presentation}(?!\uFE0E)|\p{Extended_Pictographic}(?=\uFE0F|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}]|\u200D[\p{Extended_Pictographic}\p{Emoji}]))(?:\uFE0F|\u20E3|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}]|\u200D[\p{Extended_Pictographic}\p{Emoji}])*)/u;
    var segmenter = typeof Intl === "object" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
    function graphemes(s) {
      return segmenter ? Array.from(segmenter.segment(s), function (g) { return g.segment; }) : Array.from(s);
    }
    // Links with their trailing punctuation left out, as twitter-text ends them.
    function links(text) {
      var found = [], m;
      URL_RE.lastIndex = 0;
      while ((m = URL_RE.exec(text))) {
        var url = m[0];
        while (url.length > 0 && !URL_END.test(url)) url = url.slice(0, -1);
        if (/^https?:\/\/[^\/?#]*\./i.test(url)) found.push({ start: m.index, end: m.index + url.length });
      }
      return found;
    }
    function weight(unit) {
      for (var i = 0; i < X_RANGES.length; i++) if (unit >= X_RANGES[i][0] && unit <= X_RANGES[i][1]) return 1;
      return 2;
    }
    function x(text) {
      text = text.normalize("NFC");
      var total = 0, from = 0;
      links(text).concat([{ start: text.length, end: text.length }]).forEach(function (l) {
        graphemes(text.slice(from, l.start)).forEach(function (g) {
          var e = EMOJI.exec(g);
          var i = 0;
          if (e) { total += 2; i = e[0].length; }
          for (; i < g.length; i++) {
            var c = g.charCodeAt(i);
            if (c >= 0xD800 && c <= 0xDBFF && i + 1 < g.length) i++;
            total += weight(g.charCodeAt(i));
          }
        });
        if (l.end > l.start) total += LINK;
        from = l.end;
      });
      return total;
    }
    function bluesky(text) { return graphemes(text).length; }
    function mastodon(text) {
      var out = "", from = 0;
      links(text).forEach(function (l) { out += text.slice(from, l.start) + new Array(LINK + 1).join("x"); from = l.end; });
      out += text.slice(from);
      return Array.from(out.replace(/(^|[^\/\w])@(([a-z0-9_]+)@[a-z0-9.\-]+[a-z0-9]+)/ig, "$1@$3")).length;
    }
    return { x: x, bluesky: bluesky, mastodon: mastodon };
  })();
  if (typeof module === "object" && module && module.exports) { module.exports = counts; return; }

  // As the server checks it (PostText::mastodon_host), less the list of top-level domains.
  function mastodonHost(input) {
    var host = input.trim().toLowerCase();
    if (host.charAt(0) === "@") host = host.indexOf("@", 1) > 0 ? host.slice(host.indexOf("@", 1) + 1) : "";
    host = host.replace(/^https?:\/\//, "").replace(/\/$/, "");
    var label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    var ok = host.length <= 253 && new RegExp("^(?:" + label + "\\.)+[a-z][a-z0-9-]*[a-z0-9]$").test(host);
    return ok ? host : null;
  }

  document.querySelectorAll("[data-post-compose]").forEach(function (box) {
    var area = box.querySelector("[data-post-text]");
    if (!area) return;
    function update() {
      var text = area.value;
      var n = { x: counts.x(text), bluesky: counts.bluesky(text), mastodon: counts.mastodon(text) };
      box.querySelectorAll("[data-network]").forEach(function (li) {
        var length = n[li.dataset.network], limit = Number(li.dataset.limit);
        li.querySelector("[data-count-text]").textContent =
          li.dataset.countTemplate.replace("{length}", length).replace("{limit}", limit);
        li.querySelector("[data-over]").hidden = length > 0 && length <= limit;
      });
      var x = box.querySelector("a[data-intent=x]");
      if (x) x.href = "https://x.com/intent/post?text=" + encodeURIComponent(text);
      var sky = box.querySelector("a[data-intent=bluesky]");
      if (sky) sky.href = "https://bsky.app/intent/compose?text=" + encodeURIComponent(text);
    }
    area.addEventListener("input", update);
    var form = box.querySelector("form[data-mastodon]");
    if (form) {
      form.addEventListener("submit", function (ev) {
        var host = mastodonHost(form.querySelector("input[name=instance]").value);
        var error = form.querySelector("[data-mastodon-error]");
        ev.preventDefault();
        if (!host) { error.hidden = false; form.querySelector("input[name=instance]").focus(); return; }
        error.hidden = true;
        window.location.href = "https://" + host + "/share?text=" + encodeURIComponent(area.value);
      });
    }
  });
})();

// The call block: what to dial from the supporter's country, and "your time" on their own clock.
// The server renders the block (GET /{campaign}/{lang}/call: the same HTML as on the page), so
// this only asks for it with the browser's time zone, once the block comes into view (the server
// guesses the country from Accept-Language until one is chosen), and again when a country or zone
// is chosen. Outcome buttons post with fetch and answer in place. Without JavaScript the country
// form reloads the page with ?from=CC (docs/decisions/0007-call-block-per-caller.md) and the
// outcome form posts and lands on a thank-you page.
(function () {
  "use strict";
  var block = document.getElementById("call-block");
  if (!block || !window.fetch || typeof URLSearchParams !== "function") return;
  var clock = "";
  try { clock = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { clock = ""; }

  function load(from, zone) {
    var q = [];
    if (from) q.push("from=" + encodeURIComponent(from));
    if (zone) q.push("zone=" + encodeURIComponent(zone));
    if (clock) q.push("tz=" + encodeURIComponent(clock));
    return fetch(block.dataset.src + (q.length ? "?" + q.join("&") : ""), { headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok) throw new Error("call block: " + r.status);
        return r.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#call-block");
        if (!fresh) return;
        block.replaceWith(fresh);
        block = fresh;
        wire();
      });
  }

  function wire() {
    var form = block.querySelector("form.call-from");
    if (form) {
      var country = form.querySelector("select[name=from]");
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var zone = form.querySelector("select[name=zone]");
        load(country.value, zone ? zone.value : "").catch(function () { form.submit(); });
      });
      // A new country: its own zone list comes with the answer, so no zone is sent.
      country.addEventListener("change", function () {
        load(country.value, "").catch(function () { form.submit(); });
      });
    }
    block.querySelectorAll("form.call-outcome").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        var button = ev.submitter;
        if (!button || !button.value) return;  // an old browser: the plain post, which knows the button
        ev.preventDefault();
        var data = { outcome: button.value };
        var from = f.querySelector("input[name=from]");
        if (from && from.value) data.from = from.value;
        var buttons = f.querySelectorAll("button");
        var result = f.querySelector(".result");
        buttons.forEach(function (b) { b.disabled = true; });
        fetch(f.action, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Accept": "application/json" },
          body: JSON.stringify(data)
        }).then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        }).then(function (res) {
          result.textContent = res.body.message || "";
          // One report per call: the buttons stay off once it is counted.
          if (!res.ok) buttons.forEach(function (b) { b.disabled = false; });
        }).catch(function () {
          buttons.forEach(function (b) { b.disabled = false; });
        });
      });
    });
  }

  wire();
  var params = new URLSearchParams(window.location.search);
  function first() {
    load(params.get("from") || "", params.get("zone") || "").catch(function () {});
  }
  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      seen.disconnect();
      first();
    });
    seen.observe(block);
  } else {
    first();
  }
})();

// The campaign's progress line: the server's count of actions (cached a few seconds).
(function () {
  "use strict";
  document.querySelectorAll("[data-progress]").forEach(function (line) {
    if (!window.fetch) return;
    fetch(line.getAttribute("data-progress"), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (p) line.textContent = p.text; })
      .catch(function () { /* the line stays empty */ });
  });
})();

// The petition's live counter: the server's count (cached a few seconds) with the goal and the
// latest signers who agreed to be listed. Without JavaScript the block links to the same numbers.
(function () {
  "use strict";
  document.querySelectorAll("[data-petition-count]").forEach(function (box) {
    if (!window.fetch) return;
    fetch(box.getAttribute("data-petition-count"), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c) return;
        box.textContent = c.text;
        if (c.goal > 0) {
          var meter = document.createElement("progress");
          meter.max = c.goal;
          meter.value = Math.min(c.count, c.goal);
          meter.textContent = c.count + " / " + c.goal;
          meter.setAttribute("aria-label", c.text);
          box.appendChild(document.createElement("br"));
          box.appendChild(meter);
        }
        if (c.signers && c.signers.length) {
          var list = document.createElement("ul");
          list.className = "signers";
          c.signers.forEach(function (s) {
            var li = document.createElement("li");
            li.textContent = s.first_name + " (" + s.country + ")";
            list.appendChild(li);
          });
          box.parentNode.insertBefore(list, box.nextSibling);
        }
      }).catch(function () { /* the link stays */ });
  });
})();

// Inside the embed snippet's iframe (static/embed.js on an organizer's page): tell the page
// around how tall this one is, at load and whenever it changes (errors shown, a block opened), so
// the frame follows its content. Only a number is sent.
(function () {
  "use strict";
  if (window.parent === window || !document.body) return;
  var last = 0;
  function report() {
    var h = Math.ceil(document.body.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ twinning: "height", height: h }, "*");
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
  window.addEventListener("load", report);
  report();
})();
