// The embed snippet's script, for organizers' own pages (docs/embedding.md):
//   <script src="https://twinning.example.org/static/embed.js" data-campaign="naju-haderslev"
//           data-lang="en" async></script>
// It puts the campaign's action block in an iframe right after itself and keeps the iframe as tall
// as its content: the framed page (app.js) reports its height with postMessage, and only messages
// from that frame and twinning's origin are read. The snippet's <noscript> iframe is the fallback.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) return;
  var campaign = script.getAttribute("data-campaign") || "";
  var lang = script.getAttribute("data-lang") || "en";
  if (!/^[a-z0-9][a-z0-9-]*$/.test(campaign) || !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang)) {
    if (window.console) console.error("twinning embed: data-campaign and data-lang must name a campaign and a language");
    return;
  }
  var origin = new URL(script.src).origin;
  var frame = document.createElement("iframe");
  frame.src = origin + "/" + campaign + "/" + lang + "/embed";
  frame.title = script.getAttribute("data-title") || campaign;
  frame.style.cssText = "display:block;width:100%;border:0;height:40rem";
  frame.setAttribute("allow", "clipboard-write");
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (ev) {
    if (ev.origin !== origin || ev.source !== frame.contentWindow) return;
    var d = ev.data;
    if (d && d.twinning === "height" && typeof d.height === "number" && d.height > 0 && d.height < 100000) {
      frame.style.height = Math.ceil(d.height) + "px";
    }
  });
})();
