// A form with data-confirm asks before it is sent (deleting a routing rule …). The question lives
// in the attribute, not in an onsubmit= handler: the Content-Security-Policy runs no inline code.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
