// Under a chapter: loads the chapter's released comments in place of the links to them, then adds the
// "Kommentieren" control and the count of released comments next to each paragraph and goal.
// Without this script the chapter links to its comments and to the form, which work on their own.
(function () {
  "use strict";
  function control(section, ref, label, context) {
    var wrap = document.createElement("p");
    wrap.className = "dialogue-control";
    var count = section.querySelectorAll('[data-dialogue-anchor="' + ref + '"]').length;
    if (count) {
      var first = section.querySelector('[data-dialogue-anchor="' + ref + '"]');
      var shown = document.createElement("a");
      shown.href = "#" + first.id;
      shown.textContent = count === 1 ? section.dataset.dialogueCountOne : count + " " + section.dataset.dialogueCountMany;
      wrap.appendChild(shown);
    }
    if (section.dataset.dialogueOpen === "true") {
      var link = document.createElement("a");
      link.href = section.dataset.dialogueForm + "?absatz=" + encodeURIComponent(ref) + "#kommentar";
      link.textContent = label;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " (" + context + ")";
      link.appendChild(hidden);
      wrap.appendChild(link);
    }
    return wrap.childNodes.length ? wrap : null;
  }
  function load() {
    var placeholder = document.getElementById("dialog");
    if (!placeholder || !placeholder.dataset.dialogueSrc) return;
    var order = new URLSearchParams(window.location.search).get("dialog");
    var src = placeholder.dataset.dialogueSrc + (order ? "?dialog=" + encodeURIComponent(order) : "");
    fetch(src, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html").getElementById("dialog");
        if (!parsed) return;
        placeholder.replaceWith(document.importNode(parsed, true));
        init();
        if (window.location.hash) {
          var target = document.getElementById(window.location.hash.slice(1));
          if (target) target.scrollIntoView();
        }
      })
      .catch(function () { /* the links to the comments stay */ });
  }
  function init() {
    var section = document.getElementById("dialog");
    if (!section || !section.dataset.dialogueForm) return;
    var label = section.dataset.dialogueLabel;
    var paragraph = 0, goal = 0;
    document.querySelectorAll(".dialogue-anchor").forEach(function (anchor) {
      var block = anchor.nextElementSibling;
      if (!block) return;
      var ref = anchor.dataset.dialogueRef;
      if (anchor.dataset.dialogueKind === "goals") {
        block.querySelectorAll("li.goal").forEach(function (item, index) {
          goal += 1;
          var node = control(section, ref + "-" + (index + 1), label, section.dataset.dialogueGoal + " " + goal);
          if (node) item.appendChild(node);
        });
      } else {
        paragraph += 1;
        var node = control(section, ref, label, section.dataset.dialogueParagraph + " " + paragraph);
        if (node) block.insertAdjacentElement("afterend", node);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
