// vnsearch widget: <script src="https://SEARCH-HOST/embed.js" defer></script> <vn-search></vn-search>
// A custom element with its own shadow DOM (host styles cannot leak in, ours cannot leak out).
// It talks to the JSON API of the host it was loaded from; that host must list the page's origin
// in VNSEARCH_ALLOWED_ORIGINS (CORS), otherwise the browser refuses the answers.
(function () {
  "use strict";
  var script = document.currentScript;
  var defaultApi = script ? new URL(script.src, location.href).origin : location.origin;

  var css = ":host{all:initial;display:block;font:15px/1.5 system-ui,sans-serif;color:#1b1f24}" +
    "form{display:flex;gap:6px}input{flex:1;font:inherit;padding:6px 8px;border:1px solid #8a939e;border-radius:6px}" +
    "button{font:inherit;padding:6px 12px;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer}" +
    ".panel{margin-top:8px;border:1px solid #d6dbe1;border-radius:6px;padding:8px;max-height:420px;overflow:auto}" +
    ".panel[hidden]{display:none}ol{margin:0;padding-left:1.3em}li{margin-bottom:10px}a{color:#0b5cad}" +
    "mark{background:#ffe58a;color:inherit}.meta{color:#545d68;font-size:.85em}.msg{color:#545d68;margin:0}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // Snippets are escaped by the server with only <mark> added; rebuild them as DOM nodes anyway,
  // so nothing but text and <mark> can ever reach the host page.
  function markedText(html) {
    var frag = document.createDocumentFragment();
    var parts = html.split(/(<mark>|<\/mark>)/), inMark = false;
    var decoder = document.createElement("textarea");
    parts.forEach(function (part) {
      if (part === "<mark>") { inMark = true; return; }
      if (part === "</mark>") { inMark = false; return; }
      decoder.innerHTML = part;
      var text = document.createTextNode(decoder.value);
      if (inMark) { var m = document.createElement("mark"); m.appendChild(text); frag.appendChild(m); }
      else frag.appendChild(text);
    });
    return frag;
  }

  class VnSearch extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var api = (this.getAttribute("api") || defaultApi).replace(/\/$/, "");
      var target = this.getAttribute("target") || "_blank";
      var root = this.attachShadow({ mode: "open" });
      var style = el("style"); style.textContent = css; root.appendChild(style);
      var form = el("form", { role: "search" });
      var label = el("label", { for: "q", style: "position:absolute;left:-999px" }, "Tìm kiếm tin tức");
      var input = el("input", { id: "q", type: "search", placeholder: this.getAttribute("placeholder") || "Tìm tin tức…", autocomplete: "off" });
      var button = el("button", { type: "submit" }, "Tìm");
      var panel = el("div", { class: "panel", hidden: "", "aria-live": "polite" });
      form.append(label, input, button); root.append(form, panel);
      var controller = null, timer = null;

      function render(data) {
        panel.innerHTML = ""; panel.hidden = false;
        var count = el("p", { class: "msg" }, data.total + " kết quả");
        panel.appendChild(count);
        if (data.suggestion) panel.appendChild(el("p", { class: "msg" }, "Có phải bạn muốn tìm: " + data.suggestion));
        var ol = el("ol");
        data.hits.forEach(function (hit) {
          var li = el("li");
          var a = el("a", { href: api + "/articles/" + encodeURIComponent(hit.id).replace(/%2F/g, "/") + "?q=" + encodeURIComponent(data.query), target: target, rel: "noopener" });
          a.appendChild(markedText(hit.title_html));
          var meta = el("div", { class: "meta" }, [hit.date, hit.source].filter(Boolean).join(" · "));
          var snippet = el("div"); snippet.appendChild(markedText(hit.snippet));
          li.append(a, meta, snippet); ol.appendChild(li);
        });
        panel.appendChild(ol);
      }

      function run() {
        var q = input.value.trim();
        if (!q) { panel.hidden = true; return; }
        if (controller) controller.abort();
        controller = new AbortController();
        fetch(api + "/api/search?per_page=5&q=" + encodeURIComponent(q), { signal: controller.signal, mode: "cors" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (data.error) { panel.hidden = false; panel.textContent = data.error.message; return; }
            render(data);
          })
          .catch(function (e) {
            if (e.name === "AbortError") return;
            panel.hidden = false; panel.textContent = "Không kết nối được máy chủ tìm kiếm.";
          });
      }
      form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 300); });
    }
  }
  if (!customElements.get("vn-search")) customElements.define("vn-search", VnSearch);
})();
