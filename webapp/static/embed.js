// vnsearch widget: <script src="https://SEARCH-HOST/embed.js" defer></script> <vn-search></vn-search>
// A custom element with its own shadow DOM (host styles cannot leak in, ours cannot leak out).
// It talks to the JSON API of the host it was loaded from; that host must list the page's origin
// in VNSEARCH_ALLOWED_ORIGINS (CORS), otherwise the browser refuses the answers.
// Attributes: api (search host, default: where this script came from), placeholder, target (default _blank).
(function () {
  "use strict";
  var script = document.currentScript;
  // the folder the script came from: the app's root, with the path prefix it is served under
  var defaultApi = script ? new URL(".", new URL(script.src, location.href)).href.replace(/\/$/, "") : location.origin;
  var PER_PAGE = 5, DEBOUNCE_MS = 300;

  var css = ":host{all:initial;display:block;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1f24}" +
    "*{box-sizing:border-box}" +
    "form{display:flex;gap:6px}" +
    "input{flex:1;min-width:0;font:inherit;padding:7px 10px;border:1px solid #7b8591;border-radius:6px;background:#fff;color:inherit}" +
    "button{font:inherit;padding:7px 14px;border:1px solid #0b5cad;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer}" +
    "button:hover{background:#084a8c}" +
    ":focus-visible{outline:3px solid #c25e00;outline-offset:2px}input:focus-visible{outline-offset:0}" +
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    ".panel{margin-top:8px;border:1px solid #d6dbe1;border-radius:8px;padding:10px 12px;max-height:440px;overflow:auto;background:#fff}" +
    ".panel[hidden]{display:none}" +
    "ol{list-style:none;margin:6px 0 0;padding:0}li{padding:8px 0;border-top:1px solid #eceff2;overflow-wrap:anywhere}" +
    "a{color:#0b5cad}.title{font-weight:600;text-decoration:none}.title:hover{text-decoration:underline}" +
    "mark{background:#ffe58a;color:inherit;padding:0 1px;border-radius:2px}" +
    ".meta{color:#4f5863;font-size:.85em}.snippet{margin:2px 0 0;font-size:.93em;overflow-wrap:anywhere}" +
    ".msg{color:#4f5863;margin:0;overflow-wrap:anywhere}.notice{margin-top:4px}.error{color:#8c1d18}" +
    ".dym{background:none;border:0;padding:0;color:#0b5cad;text-decoration:underline;font-weight:600}" +
    ".all{display:inline-block;margin-top:8px}";

  function styleInto(root) {
    // A constructed stylesheet is not an inline <style>, so pages whose CSP says
    // style-src 'self' (our own /embed page among them) still apply it.
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      var style = document.createElement("style");
      style.textContent = css;
      root.appendChild(style);
    }
  }

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
    var decoder = document.createElement("textarea");  // RCDATA: decodes entities, never parses tags
    var inMark = false;
    String(html || "").split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { inMark = true; return; }
      if (part === "</mark>") { inMark = false; return; }
      decoder.innerHTML = part;
      var text = document.createTextNode(decoder.value);
      if (inMark) { var m = document.createElement("mark"); m.appendChild(text); frag.appendChild(m); }
      else frag.appendChild(text);
    });
    return frag;
  }

  // "2022-01-21" -> "21/01/2022", "2022-01" -> "tháng 1/2022" (as the histogram labels it), "--01-21" (year unknown) -> "21/01".
  function viDate(iso) {
    if (!iso) return "";
    var parts = iso.replace(/^--/, "").split("-");
    if (iso.indexOf("--") === 0) return parts.length === 2 ? parts[1] + "/" + parts[0] : "tháng " + parseInt(parts[0], 10);
    if (parts.length === 3) return parts[2].slice(0, 2) + "/" + parts[1] + "/" + parts[0];
    return parts.length === 2 ? "tháng " + parseInt(parts[1], 10) + "/" + parts[0] : iso;
  }

  // The query parts the API ignored, worded as the search page words them (ignored_notice in
  // webapp/pages.py): each reason once with its parts and counts, and no "bị bỏ qua" after
  // "Đã bỏ qua:": ["ngoặc bị bỏ qua: (", ×3] -> "ngoặc “(” (3 lần)".
  function ignoredText(ignored) {
    var reasons = new Map();
    ignored.forEach(function (item) {
      var at = item.indexOf(": ");
      var reason = (at < 0 ? item : item.slice(0, at)).replace(/ bị bỏ qua$/, "");
      var part = at < 0 ? "" : item.slice(at + 2);
      if (!reasons.has(reason)) reasons.set(reason, new Map());
      var parts = reasons.get(reason);
      parts.set(part, (parts.get(part) || 0) + 1);
    });
    function times(text, n) { return n > 1 ? text + " (" + n + " lần)" : text; }
    return Array.from(reasons, function (entry) {
      var reason = entry[0], parts = entry[1];
      if (parts.size === 1 && parts.has("")) return times(reason, parts.get(""));
      return reason + " " + Array.from(parts, function (p) { return times("“" + p[0] + "”", p[1]); }).join(", ");
    }).join("; ");
  }

  // Each "." or ".." segment of the id is joined to its neighbours by an encoded slash, as
  // article_url in webapp/pages.py does: a browser resolves dot segments before it asks, spelled
  // %2E too ("/articles/a/b/../c" would fetch "/articles/a/c"), but not within a segment
  // ("b%2F..%2Fc"), and the server decodes %2F back to "/".
  function articleUrl(api, id, query) {
    var segments = ["articles"].concat(String(id).split("/"));
    var path = segments.reduce(function (path, segment, i) {
      if (i === 0) return "/" + segment;
      var dot = isDotSegment(segment) || isDotSegment(segments[i - 1]);
      return path + (dot ? "%2F" : "/") + encodeURIComponent(segment);
    }, "");
    return api + path + "?q=" + encodeURIComponent(query);
  }

  function isDotSegment(segment) { return segment === "." || segment === ".."; }

  var UNREACHABLE = "Không kết nối được máy chủ tìm kiếm.";
  var NOT_ALLOWED = "Trang này chưa được phép dùng hộp tìm kiếm. Quản trị viên máy chủ tìm kiếm cần thêm địa chỉ " +
    location.origin + " vào thiết lập VNSEARCH_ALLOWED_ORIGINS.";

  // Why a search failed. The browser tells a page nothing: a server that refuses this page's
  // origin (CORS) and one that is down fail alike. A "no-cors" request asks no permission, so it
  // is answered whenever the server is up: then the server refused this page.
  function failureReason(api, signal) {
    return fetch(api + "/healthz", { mode: "no-cors", credentials: "omit", signal: signal })
      .then(function () { return NOT_ALLOWED; }, function () { return UNREACHABLE; });
  }

  class VnSearch extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var api = (this.getAttribute("api") || defaultApi).replace(/\/$/, "");
      var target = this.getAttribute("target") || "_blank";
      var root = this.attachShadow({ mode: "open" });
      styleInto(root);
      var form = el("form", { role: "search", part: "form" });
      var label = el("label", { for: "q", class: "vh" }, "Tìm kiếm tin tức");
      var input = el("input", { id: "q", type: "search", autocomplete: "off", enterkeyhint: "search", part: "input",
                                placeholder: this.getAttribute("placeholder") || "Tìm tin tức…" });
      var button = el("button", { type: "submit", part: "button" }, "Tìm");
      var panel = el("div", { class: "panel", hidden: "", part: "panel" });
      // Screen readers hear the count after each search, not every result: a short status apart
      // from the panel, as the search page's #live-status.
      var status = el("p", { class: "vh", role: "status" });
      form.append(label, input, button);
      root.append(form, status, panel);
      var controller = null, timer = null;

      function message(text) {
        status.textContent = "";  // the alert is what is read
        panel.replaceChildren(el("p", { class: "msg error", role: "alert" }, text));
        panel.hidden = false;
      }

      function render(data) {
        var count = data.total ? data.total.toLocaleString("vi-VN") + " kết quả" : "Không tìm thấy bài viết nào.";
        panel.replaceChildren();
        panel.hidden = false;
        panel.appendChild(el("p", { class: "msg" }, count));
        status.textContent = count;
        if (data.suggestion) {
          var dym = el("p", { class: "msg" }, "Có phải bạn muốn tìm: ");
          var again = el("button", { type: "button", class: "dym" }, data.suggestion);
          again.addEventListener("click", function () { input.value = data.suggestion; run(); });
          dym.appendChild(again);
          panel.appendChild(dym);
        }
        // The same notices as the search page: words no article had all of, and ignored parts.
        if (data.relaxed) panel.appendChild(el("p", { class: "msg notice" }, "Không bài nào chứa tất cả các từ; đang hiện các bài chứa một phần."));
        if (data.ignored && data.ignored.length) panel.appendChild(el("p", { class: "msg notice" }, "Đã bỏ qua: " + ignoredText(data.ignored) + "."));
        if (!data.hits.length) return;
        var ol = el("ol");
        data.hits.forEach(function (hit) {
          var li = el("li");
          var a = el("a", { class: "title", href: articleUrl(api, hit.id, data.query), target: target, rel: "noopener" });
          a.appendChild(markedText(hit.title_html));
          var meta = el("div", { class: "meta" }, [viDate(hit.date), hit.source].filter(Boolean).join(" · "));
          var snippet = el("p", { class: "snippet" });
          snippet.appendChild(markedText(hit.snippet));
          li.append(a, meta, snippet);
          ol.appendChild(li);
        });
        panel.appendChild(ol);
        if (data.total > data.hits.length) {
          panel.appendChild(el("a", { class: "all", href: api + "/?q=" + encodeURIComponent(data.query), target: target, rel: "noopener" },
                               "Xem tất cả " + data.total.toLocaleString("vi-VN") + " kết quả →"));
        }
      }

      function run() {
        clearTimeout(timer);
        var q = input.value.trim();
        if (controller) controller.abort();
        if (!q) { panel.hidden = true; return; }
        var mine = controller = new AbortController();
        function current() { return mine === controller; }
        fetch(api + "/api/search?per_page=" + PER_PAGE + "&q=" + encodeURIComponent(q), { signal: mine.signal, mode: "cors", credentials: "omit" })
          .then(function (r) {
            return r.json().then(function (data) {
              if (!current()) return;
              if (data.error) message(data.error.message);
              else render(data);
            }, function () { if (current()) message(UNREACHABLE); });  // not our API's answer (a proxy's error page)
          }, function (e) {  // no answer at all, or one the browser withheld
            if (e.name === "AbortError" || !current()) return;
            failureReason(api, mine.signal).then(function (text) { if (current()) message(text); });
          });
      }
      form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, DEBOUNCE_MS); });
    }
  }
  if (!customElements.get("vn-search")) customElements.define("vn-search", VnSearch);
})();
