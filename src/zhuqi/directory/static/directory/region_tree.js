// The region tree: "+" loads a region's children (hx-get on the button), "−" folds them away
// again without asking the server. Kept out of the template (it was an hx-on handler, which
// htmx runs through eval and the Content-Security-Policy forbids).
(function () {
  "use strict";
  function isToggle(element) {
    return element && element.matches && element.matches("#region-tree .toggle[hx-get]");
  }
  function setExpanded(button, expanded) {
    button.textContent = expanded ? "−" : "+";
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    var label = button.getAttribute(expanded ? "data-label-collapse" : "data-label-expand");
    if (label) button.setAttribute("aria-label", label);
  }
  document.addEventListener("htmx:confirm", function (event) {
    var button = event.target;
    if (!isToggle(button) || button.getAttribute("aria-expanded") !== "true") return;
    event.preventDefault();
    var children = button.parentElement.querySelector(":scope > ul.tree");
    if (children) children.replaceChildren();
    setExpanded(button, false);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (isToggle(event.detail.elt) && event.detail.successful) setExpanded(event.detail.elt, true);
  });
})();
