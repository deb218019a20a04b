/* Autocomplete for the search field: the ARIA 1.2 combobox pattern with a listbox popup.
   Without this script the field is a plain search form. */
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) { return; }
  var url = input.getAttribute("data-suggest-url");
  var items = [];
  var active = -1;
  var timer = null;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    items.forEach(function (li, i) {
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    var li = items[index];
    if (!li) { return; }
    input.value = li.getAttribute("data-title");
    close();
    window.location.href = li.getAttribute("data-url");
  }

  function show(suggestions) {
    close();
    if (!suggestions.length) { return; }
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "search-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-url", s.url);
      li.setAttribute("data-title", s.title);
      li.className = "search-suggestions__item";
      li.textContent = s.title;
      var kind = document.createElement("span");
      kind.className = "search-suggestions__kind";
      kind.textContent = " (" + s.kind + ")";
      li.appendChild(kind);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      list.appendChild(li);
      items.push(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function load() {
    var value = input.value.trim();
    if (value.length < 2) { close(); return; }
    var ticket = ++latest;
    fetch(url + "?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (ticket === latest) { show(data.suggestions || []); } })
      .catch(close);
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      if (!items.length) { load(); return; }
      event.preventDefault();
      highlight(active + 1 < items.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight(active > 0 ? active - 1 : items.length - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      if (items.length) { event.preventDefault(); }
      close();
    }
  });
  input.addEventListener("blur", function () { window.setTimeout(close, 100); });
})();
