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
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(data)
      }).then(function (r) {
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
        form.submit();
      }).finally(function () { button.disabled = false; });
    });
  }
})();
