// CSO Program — page behaviour kept out of the HTML so the CSP can forbid inline scripts.
(function () {
  "use strict";
  // After an htmx swap, move focus to an element that asks for it, so keyboard
  // users continue where the new content is.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !target.querySelector) return;
    var focus = target.querySelector("[data-autofocus]");
    if (focus) focus.focus();
  });
})();
