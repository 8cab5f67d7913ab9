// The visit form: picked enterprises become rows; case rows are
// added as needed, and a demand's enterprise is chosen among the enterprises picked above.
(function () {
  "use strict";

  // For element text and quoted attribute values alike: a text node's innerHTML leaves quotes
  // as they are, and a name with a " in it would end the attribute it is put in.
  function escapeText(text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function addEnterprise(id, label, detail) {
    var rows = document.getElementById("attendance");
    if (!rows || rows.querySelector('[data-enterprise="' + id + '"]')) return;
    var html = document.getElementById("attendance-template").innerHTML
      .split("__ID__").join(escapeText(id))
      .split("__NAME__").join(escapeText(label))
      .split("__DETAIL__").join(escapeText(detail || ""));
    rows.insertAdjacentHTML("beforeend", html);
    syncEnterpriseSelects();
  }

  // Every case row offers the enterprises picked above, keeping what it had chosen. A demand
  // belongs to an enterprise, so with one enterprise picked a demand row takes it; an instruction
  // names an enterprise only when the person chooses one.
  function syncEnterpriseSelects() {
    var picked = Array.prototype.map.call(
      document.querySelectorAll("#attendance [data-enterprise]"),
      function (row) { return [row.getAttribute("data-enterprise"), row.getAttribute("data-name")]; }
    );
    document.querySelectorAll("[data-enterprise-select]").forEach(function (select) {
      var chosen = select.value || select.getAttribute("data-chosen") || "";
      while (select.options.length > 1) select.remove(1);
      picked.forEach(function (pair) {
        var option = new Option(pair[1], pair[0], false, pair[0] === chosen);
        select.add(option);
      });
      var row = select.closest(".case-row");
      var kind = row && row.querySelector("select[name=case_kind]");
      var demand = !kind || kind.value === "demand";
      if (!demand && select.hasAttribute("data-auto")) {
        // Filled in for a demand, and the row is an instruction now: not the person's choice.
        select.value = "";
        select.removeAttribute("data-auto");
      } else if (!chosen && picked.length === 1 && demand) {
        select.value = picked[0][0];
        select.setAttribute("data-auto", "");
      }
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLSelectElement)) return;
    if (target.name === "case_enterprise") target.removeAttribute("data-auto");
    if (target.name === "case_kind") syncEnterpriseSelects();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var pick = target.closest("[data-pick]");
    if (pick) {
      var name = pick.getAttribute("data-pick");
      var id = pick.getAttribute("data-id");
      var label = pick.getAttribute("data-label");
      // Officials, places and projects are the shared picker's (core/picker.js); enterprises
      // become attendance rows with their opinions.
      if (name === "enterprises") addEnterprise(id, label, pick.getAttribute("data-detail"));
      var options = pick.parentElement;
      if (options) {
        options.innerHTML = "";
        var search = options.previousElementSibling;
        if (search && search.tagName === "INPUT") { search.value = ""; search.focus(); }
      }
      return;
    }
    if (target.matches("[data-remove-row]")) {
      target.closest("[data-enterprise]").remove();
      syncEnterpriseSelects();
      return;
    }
    if (target.matches("[data-add-case]")) {
      document.getElementById("case-rows").insertAdjacentHTML(
        "beforeend", document.getElementById("case-row-template").innerHTML
      );
      syncEnterpriseSelects();
    }
  });

  // The search boxes pick with Enter too, without sending the form.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(target instanceof HTMLInputElement) || target.type !== "search") return;
    event.preventDefault();
    var first = target.nextElementSibling && target.nextElementSibling.querySelector("[data-pick]");
    if (first) first.click();
  });

  document.addEventListener("DOMContentLoaded", syncEnterpriseSelects);
})();
