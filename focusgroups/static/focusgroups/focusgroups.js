// Focus groups — keep keyboard users where they were after htmx swaps.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    var wanted = document.querySelector("[data-fg-focus]");
    if (wanted) {
      wanted.removeAttribute("data-fg-focus");
      wanted.focus();
      return;
    }
    // A removed item took the focus with it: continue from the list heading.
    if (!document.activeElement || document.activeElement === document.body) {
      var heading = document.getElementById("feedback-heading");
      if (heading) heading.focus();
    }
  });
})();
