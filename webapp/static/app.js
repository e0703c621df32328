// Progressive enhancement for the search page: the page works without this file.
// - results update as you type (debounced; a newer request aborts the stale one); the first update
//   from a page adds a history entry and later ones replace it, so Back returns to that page,
// - the box offers suggestions from /api/suggest (ArrowDown/ArrowUp, Enter, Escape),
// - the officials and countries facet lists can be filtered by name, beyond the values listed.
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;
  var KINDS = { term: "", country: "quốc gia", official: "quan chức", title: "tiêu đề" };

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  // The facet filter box; delegated, because live results replace the facet sidebar.
  document.addEventListener("input", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("[data-filter-facet]")) return;
    var scope = document.getElementById(box.getAttribute("data-filter-facet"));
    if (!scope) return;
    var needle = fold(box.value.trim()), shown = 0;
    scope.querySelectorAll(".facet-values li").forEach(function (li) {
      var match = !needle || fold(li.textContent).indexOf(needle) !== -1;
      li.hidden = !match;
      if (match) shown++;
    });
    var more = scope.querySelector("details.more");
    if (more) {
      // While filtering, search the whole list; the "see more" toggle would only get in the way.
      if (needle && !more.hasAttribute("data-was")) more.setAttribute("data-was", more.open ? "open" : "closed");
      if (needle) more.open = true;
      else if (more.hasAttribute("data-was")) { more.open = more.getAttribute("data-was") === "open"; more.removeAttribute("data-was"); }
      more.querySelector("summary").hidden = !!needle;
    }
    var none = scope.querySelector(".no-match");
    if (none) none.hidden = shown > 0;
    moreValues(box, scope, needle, shown);
  });

  // Values beyond the ones listed (the page lists a facet's top 50): /api/facets/<name> under the
  // same search, debounced; each is a link that adds the filter, as the listed ones do.
  var moreTimer = null, moreController = null;
  function moreValues(box, scope, needle, shown) {
    var name = box.getAttribute("data-facet-name"), url = box.getAttribute("data-values-url");
    var list = scope.querySelector(".more-values");
    if (!name || !url || !list) return;
    clearTimeout(moreTimer);
    if (moreController) moreController.abort();
    list.hidden = true;
    list.textContent = "";
    if (needle.length < 2) return;
    moreTimer = setTimeout(function () {
      var params = new URLSearchParams(location.search);
      params.delete("page");
      var api = new URLSearchParams(params);
      api.set("contains", box.value.trim());
      api.set("limit", "10");
      moreController = window.AbortController ? new AbortController() : null;
      fetch(url + "?" + api.toString(), moreController ? { signal: moreController.signal } : {})
        .then(function (r) { return r.ok ? r.json() : { values: [] }; })
        .then(function (data) {
          var listed = {};
          scope.querySelectorAll(".facet-values:not(.more-values) a[data-value]").forEach(function (a) { listed[a.getAttribute("data-value")] = true; });
          data.values.filter(function (v) { return !listed[v.value]; }).forEach(function (v) {
            var li = document.createElement("li");
            li.append(facetLink(name, v, params));
            list.append(li);
          });
          list.hidden = !list.children.length;
          var none = scope.querySelector(".no-match");
          if (none) none.hidden = shown > 0 || list.children.length > 0;
        })
        .catch(function () {});
    }, DEBOUNCE_MS);
  }

  // One value as templates/_facets.html prints it: the box, the label, and the count screen
  // readers hear as ", 3 bài"; the link adds the value to the current search. (A selected value is
  // never among these: the page always lists the selected ones.)
  function facetLink(name, value, params) {
    var toggle = new URLSearchParams(params);
    toggle.append(name, value.value);
    var a = element("a", "facet-link");
    a.href = location.pathname + "?" + toggle.toString();
    a.setAttribute("data-value", value.value);
    var box = element("span", "box");
    box.setAttribute("aria-hidden", "true");
    var count = element("span", "count");
    count.append(element("span", "visually-hidden", ", "), String(value.count), element("span", "visually-hidden", " bài"));
    a.append(box, element("span", "label", value.label), count);
    return a;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !document.querySelector("main.results")) return;
  var status = document.getElementById("live-status");
  var searchController = null, suggestController = null, timer = null, active = -1, lastUrl = null;
  // The address whose results are shown, and whether its history entry is one a live update added
  // (marked in history.state): typing there replaces that entry, typing anywhere else adds one.
  var shownUrl = location.pathname + location.search, liveEntry = !!(history.state && history.state.live);

  function pageUrl() {
    var form = input.form, params = new URLSearchParams(new FormData(form));
    // An empty parameter only clutters the address bar.
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function refresh() {
    var url = pageUrl();
    if (url === lastUrl) return;
    lastUrl = url;
    show(url, true);
  }

  // Fetches `url` and puts its results and facets in place of the shown ones. `record`: add or
  // replace a history entry for it (typing), or not (Back and Forward, already at that entry).
  function show(url, record) {
    var target = new URL(url, location.href);
    url = target.pathname + target.search;  // as location spells it, for the popstate comparison
    if (searchController) searchController.abort();
    var controller = searchController = new AbortController();
    document.body.classList.add("loading");
    fetch(url, { signal: controller.signal, headers: { Accept: "text/html" } })
      .then(function (r) { return r.text(); })  // an error page is still a page worth showing
      .then(function (html) {
        if (controller !== searchController) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main.results"), results = document.querySelector("main.results");
        if (!results) return;
        if (!fresh) {  // an error page (a bad parameter): show its message, keep the box as it is
          var message = doc.querySelector(".error-page .message");
          var box = document.createElement("div");
          box.className = "empty";
          box.setAttribute("role", "alert");
          box.textContent = message ? message.textContent : "Đã có lỗi xảy ra. Vui lòng thử lại.";
          results.replaceChildren(box);
          shownUrl = null;  // no entry's results are shown: Back or Forward must fetch them
          return;
        }
        results.replaceWith(document.importNode(fresh, true));
        var facets = doc.querySelector("aside.facets"), old = document.querySelector("aside.facets");
        if (facets && old) old.replaceWith(document.importNode(facets, true));
        document.title = doc.title;
        if (record && liveEntry) history.replaceState({ live: true }, "", url);
        else if (record) { history.pushState({ live: true }, "", url); liveEntry = true; }
        shownUrl = url;
        var count = doc.getElementById("result-count");
        if (status && count) status.textContent = count.textContent.replace(/\s+/g, " ").trim();
      })
      .catch(function () { /* aborted, or the network failed: the form still works */ })
      .then(function () { if (controller === searchController) document.body.classList.remove("loading"); });
  }

  function closeSuggestions() {
    if (suggestController) suggestController.abort();
    list.hidden = true; list.replaceChildren(); active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function showSuggestions(items) {
    list.replaceChildren();
    active = -1;
    input.removeAttribute("aria-activedescendant");
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.id = "sugg-" + i;
      li.dataset.text = item.text;
      var text = document.createElement("span");
      text.textContent = item.text;
      li.appendChild(text);
      if (KINDS[item.kind]) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = KINDS[item.kind];
        li.appendChild(kind);
      }
      // mousedown, not click: it comes before the input's blur closes the list.
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item.text); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function choose(text) {
    input.value = text;
    closeSuggestions();
    clearTimeout(timer);
    refresh();
  }

  function suggest() {
    if (suggestController) suggestController.abort();
    var q = input.value.trim();
    if (q.length < 2) { closeSuggestions(); return; }
    var controller = suggestController = new AbortController();
    fetch(input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q), { signal: controller.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        if (controller !== suggestController || document.activeElement !== input) return;
        showSuggestions((data.suggestions || []).filter(function (s) { return s.text !== q; }));
      })
      .catch(function () {});
  }

  function highlight(index) {
    var items = list.querySelectorAll("li");
    active = index;
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // Back or Forward to another search of this page: show its results and its query in the box.
  // A fragment link (#filters) also fires popstate, with the results already right.
  window.addEventListener("popstate", function (e) {
    liveEntry = !!(e.state && e.state.live);
    var url = location.pathname + location.search;
    if (url === shownUrl) return;
    clearTimeout(timer);
    closeSuggestions();
    input.value = new URLSearchParams(location.search).get("q") || "";
    lastUrl = pageUrl();
    show(url, false);
  });

  lastUrl = pageUrl();
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(); suggest(); }, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li");
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && !list.hidden && items.length) {
      e.preventDefault();
      var step = e.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + items.length + (active < 0 && step < 0 ? 1 : 0)) % items.length);
    } else if (e.key === "Enter" && !list.hidden && active >= 0 && items[active]) {
      e.preventDefault();
      choose(items[active].dataset.text);
    } else if (e.key === "Escape" && !list.hidden) {
      e.preventDefault();
      closeSuggestions();
    }
  });
  input.addEventListener("blur", function () { closeSuggestions(); });
})();
