// A meeting's or a briefing's scope: only the field its kind needs is shown (the department for
// a department's meeting, the chain for a chain's, the projects for a project list). Without
// script every field shows and the service says which one the kind needs.
(function () {
  "use strict";
  function apply(container) {
    var select = container.querySelector("[data-scope-kind]");
    if (!select) return;
    container.querySelectorAll("[data-scope]").forEach(function (field) {
      field.hidden = field.getAttribute("data-scope") !== select.value;
    });
  }
  function init() {
    document.querySelectorAll("[data-scope-switch]").forEach(function (container) {
      apply(container);
      container.addEventListener("change", function (event) {
        if (event.target.matches("[data-scope-kind]")) apply(container);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
