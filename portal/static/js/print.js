/* Print: the data tables of the figures are printed, not just "Daten als Tabelle".
   CSS cannot open a <details> element in every browser, so the closed ones are opened
   before printing and closed again afterwards. Both signals are used: beforeprint/afterprint
   (the print dialog, a PDF printer) and the print media query (emulated print media). */
(function () {
  "use strict";
  var SELECTOR = "details.figure-block__data";
  var opened = [];

  function open() {
    var closed = document.querySelectorAll(SELECTOR + ":not([open])");
    for (var i = 0; i < closed.length; i++) {
      closed[i].open = true;
      opened.push(closed[i]);
    }
  }

  function restore() {
    while (opened.length) { opened.pop().open = false; }
  }

  window.addEventListener("beforeprint", open);
  window.addEventListener("afterprint", restore);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var changed = function (event) { if (event.matches) { open(); } else { restore(); } };
    if (print.addEventListener) { print.addEventListener("change", changed); } else if (print.addListener) { print.addListener(changed); }
    if (print.matches) { open(); }
  }
}());
