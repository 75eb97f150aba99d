/* Small behaviours every page shares. No framework: Bootstrap's bundle and htmx are loaded first. */
(function () {
  "use strict";
  // Every table scrolls sideways inside its own box on a phone or tablet instead of widening the page.
  function wrapTables(root) {
    (root || document).querySelectorAll("main table.table").forEach(function (table) {
      if (table.closest(".table-responsive")) return;
      const box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }
  if (window.htmx) {
    htmx.onLoad(function (el) { wrapTables(el.nodeType === 1 ? el : document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { wrapTables(document); });
  }
})();
