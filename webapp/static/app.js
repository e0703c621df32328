// Progressive enhancement for the search page: the page works without this file.
// - results update as you type (debounced; stale requests are aborted),
// - the box offers suggestions from /api/suggest (arrow keys + Enter),
// - the officials facet list can be filtered.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var results = document.querySelector("main.results");

  document.querySelectorAll("[data-filter-list]").forEach(function (box) {
    box.addEventListener("input", function () {
      var target = document.getElementById(box.getAttribute("data-filter-list"));
      var needle = fold(box.value.trim());
      target.querySelectorAll("li").forEach(function (li) {
        var hit = !needle || fold(li.textContent).indexOf(needle) !== -1;
        li.classList.toggle("extra", !hit);
        li.style.display = hit ? "block" : "none";
      });
    });
  });

  if (!input || !results) return;

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  var searchController = null, suggestController = null, timer = null, active = -1;

  function pageUrl() {
    var form = input.form, params = new URLSearchParams(new FormData(form));
    return form.getAttribute("action") + "?" + params.toString();
  }

  function refresh() {
    if (searchController) searchController.abort();
    searchController = new AbortController();
    var url = pageUrl();
    fetch(url, { signal: searchController.signal, headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main.results"), facets = doc.querySelector("aside.facets");
        if (fresh) results.replaceWith(fresh), results = fresh;
        var old = document.querySelector("aside.facets");
        if (facets && old) old.replaceWith(facets);
        history.replaceState(null, "", url);
      })
      .catch(function () { /* aborted or failed: the form still works */ });
  }

  function closeSuggestions() {
    list.hidden = true; list.innerHTML = ""; active = -1;
    input.setAttribute("aria-expanded", "false");
  }

  function showSuggestions(items) {
    list.innerHTML = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option"); li.id = "sugg-" + i;
      li.textContent = item.text;
      var kind = document.createElement("span"); kind.className = "kind";
      kind.textContent = { term: "", country: "quốc gia", official: "quan chức", title: "tiêu đề" }[item.kind] || "";
      li.appendChild(kind);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item.text); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function choose(text) { input.value = text; closeSuggestions(); refresh(); }

  function suggest() {
    if (suggestController) suggestController.abort();
    var q = input.value.trim();
    if (q.length < 2) return closeSuggestions();
    suggestController = new AbortController();
    fetch(input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q), { signal: suggestController.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { showSuggestions(data.suggestions || []); })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(); suggest(); }, 250);
  });
  input.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!items.length) return;
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    } else if (e.key === "Enter" && active >= 0 && items[active]) {
      e.preventDefault(); choose(items[active].firstChild.textContent);
    } else if (e.key === "Escape") {
      closeSuggestions();
    }
  });
  input.addEventListener("blur", function () { setTimeout(closeSuggestions, 100); });
})();
