// Keeps what was typed into the booking form across a reload (sessionStorage, this tab only).
// The page works without it; the honeypot, the CSRF token and the consent are never stored.
(function () {
  "use strict";
  var SKIP = { csrfmiddlewaretoken: true, website: true, privacy: true };
  function key(id) { return "mep-booking-" + id; }
  document.addEventListener("DOMContentLoaded", function () {
    var done = document.querySelector("[data-clear-booking-form]");
    if (done) {
      try { sessionStorage.removeItem(key(done.getAttribute("data-clear-booking-form"))); } catch (e) {}
      return;
    }
    var form = document.querySelector("form.booking-form");
    if (!form) return;
    var storeKey = key(form.getAttribute("data-session"));
    var saved = {};
    try { saved = JSON.parse(sessionStorage.getItem(storeKey) || "{}"); } catch (e) {}
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || !(el.name in saved)) return;
      if (el.type === "checkbox") { if (!el.checked) el.checked = saved[el.name]; }
      else if (!el.value) el.value = saved[el.name];
    });
    function save() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || SKIP[el.name] || el.type === "submit") return;
        data[el.name] = el.type === "checkbox" ? el.checked : el.value;
      });
      try { sessionStorage.setItem(storeKey, JSON.stringify(data)); } catch (e) {}
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
