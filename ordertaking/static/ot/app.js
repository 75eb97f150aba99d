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
  // Long selects (customers) can be searched by typing (tom-select, vendored: no CDN).
  function searchableSelects(root) {
    if (!window.TomSelect) return;
    (root || document).querySelectorAll("select[data-ot-search]").forEach(function (el) {
      if (el.tomselect) return;
      new TomSelect(el, {maxOptions: null, allowEmptyOption: true, create: false, selectOnTab: true});
    });
  }
  function enhance(root) { wrapTables(root); linkClauses(root); searchableSelects(root); }
  // htmx is loaded with `defer` ({% htmx_script %}), after this file: listen to its events on the
  // document instead of calling htmx.onLoad, which does not exist yet when this runs.
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (e) { if (e.target.nodeType === 1) enhance(e.target); });
  document.addEventListener("htmx:afterSettle", function (e) { enhance(e.detail.target || document); });
})();

/* Page behaviours declared with data-ot-* attributes. They live here, not in inline handlers or
   hx-on attributes, because the Content-Security-Policy allows scripts from our own files only
   (no inline code, no eval: ordertaking/common/middleware.py). */
(function () {
  "use strict";
  function recalc() { if (window.htmx) htmx.trigger(document.body, "recalc"); }

  document.addEventListener("click", function (e) {
    const remove = e.target.closest("[data-ot-remove-row]");
    if (remove) {  // an order line taken out of the form; the totals follow
      remove.closest("tr").remove();
      if (remove.hasAttribute("data-ot-recalc")) recalc();
      return;
    }
    const contact = e.target.closest("[data-ot-contact]");
    if (contact) { fillContact(contact); return; }
    const copy = e.target.closest("[data-ot-copy]");
    if (copy) {  // copy the text of the field it names (the customer's link on the order page)
      const field = document.getElementById(copy.getAttribute("data-ot-copy"));
      if (!field) return;
      field.select();
      const done = function () { copy.classList.add("btn-success"); copy.setAttribute("data-copied", "1"); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done);
      else if (document.execCommand("copy")) done();
      return;
    }
    const del = e.target.closest("[data-ot-delete-row]");
    if (del) {  // a formset row marked for deletion (it stays in the form, hidden)
      const row = del.closest("tr");
      const box = row.querySelector("input[name$=DELETE]");
      if (box) box.checked = true;
      row.classList.add("d-none");
    }
  });

  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-ot-autosubmit]")) e.target.form.submit();
    // An inquiry from an archived customer needs no prospect data (P2.1.c): show those fields
    // only for a new prospect.
    if (e.target.id === "id_customer") {
      const prospect = document.getElementById("prospect-fields");
      if (prospect) prospect.classList.toggle("d-none", !!e.target.value);
    }
  });

  // The inquiry form: a contact of the chosen customer fills in who is calling (P2.1.c).
  function fillContact(btn) {
    const set = function (id, v) { const el = document.getElementById(id); if (el) el.value = v || ""; };
    set("id_contact_name", btn.dataset.name);
    set("id_contact_phone", btn.dataset.phone);
    set("id_contact_email", btn.dataset.email);
    btn.parentNode.querySelectorAll("[data-ot-contact]").forEach(function (b) { b.classList.remove("active"); });
    btn.classList.add("active");
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "customer-contacts") {
      const name = document.getElementById("id_contact_name");
      const primary = e.detail.target.querySelector("[data-ot-contact][data-primary]") ||
                      e.detail.target.querySelector("[data-ot-contact]");
      if (primary && name && !name.value) fillContact(primary);
    }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    const elt = e.detail.elt;
    if (!elt || !elt.hasAttribute) return;
    if (elt.hasAttribute("data-ot-recalc")) recalc();
    const clear = elt.getAttribute("data-ot-clear");
    if (clear && document.getElementById(clear)) document.getElementById(clear).innerHTML = "";
  });

  // A formset row asked of the server (data-ot-row-counter names the formset's TOTAL_FORMS) takes its number when
  // the request leaves, and the count moves on at once: two rows asked before either arrived get two numbers,
  // not one number twice (two lines' fields under one name, one line lost on saving).
  document.addEventListener("htmx:configRequest", function (e) {
    const elt = e.detail.elt;
    const id = elt && elt.getAttribute && elt.getAttribute("data-ot-row-counter");
    const counter = id && document.getElementById(id);
    if (!counter) return;
    const index = parseInt(counter.value, 10) || 0;
    e.detail.parameters[counter.name] = String(index);
    counter.value = String(index + 1);
  });

  // What the server sends again out of band was built from what the form held when its request left. A formset's
  // row count only goes up (the rows asked for since then counted themselves); a select (the payment methods open
  // to the customer just chosen) keeps a choice made since then when it still offers it: a fast user's payment
  // method is not silently blanked by a late answer.
  document.addEventListener("htmx:oobBeforeSwap", function (e) {
    const old = e.detail.target;
    const fragment = e.detail.fragment;
    if (!old || !fragment || !fragment.querySelector) return;
    if (old.tagName === "INPUT" && /-TOTAL_FORMS$/.test(old.name)) {
      // A row's answer bumps the count out of band; an answer overtaken by a later row's must not lower it.
      const sent = fragment.querySelector("input");
      if (sent && (parseInt(sent.value, 10) || 0) <= (parseInt(old.value, 10) || 0)) e.detail.shouldSwap = false;
      return;
    }
    if (old.tagName !== "SELECT" || !old.value) return;
    const fresh = fragment.querySelector("select#" + CSS.escape(old.id));
    if (!fresh) return;
    const kept = Array.prototype.find.call(fresh.options, function (o) { return o.value === old.value; });
    if (!kept) return;
    Array.prototype.forEach.call(fresh.options, function (o) { o.removeAttribute("selected"); });
    kept.setAttribute("selected", "");
  });

  // A refused action (403, 409, 422) re-renders its panel with the error beside it, keeping the status.
  document.addEventListener("htmx:beforeSwap", function (e) {
    const elt = e.detail.elt || e.target;
    if (elt && elt.closest && elt.closest("[data-ot-swap-refusals]") &&
        [403, 409, 422].includes(e.detail.xhr.status)) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
