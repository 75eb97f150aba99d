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
  // Every clause badge (P2.3.c …) links to that clause on the regulation page.
  const CLAUSE = /^P\d(\.\d(\.[a-z])?)?$/;
  function linkClauses(root) {
    const page = document.body.dataset.regulationUrl;
    if (!page) return;
    (root || document).querySelectorAll(".clause:not(a)").forEach(function (el) {
      const id = el.textContent.trim();
      if (!CLAUSE.test(id) || el.closest("a, [data-testid=regulation]")) return;
      const a = document.createElement("a");
      a.href = page + "#" + id;
      a.className = el.className;
      a.title = el.title || id;
      a.textContent = id;
      el.replaceWith(a);
    });
  }
  function enhance(root) { wrapTables(root); linkClauses(root); }
  if (window.htmx) {
    htmx.onLoad(function (el) { enhance(el.nodeType === 1 ? el : document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  }
})();
