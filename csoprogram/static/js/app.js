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

  // Feedback typed on a focus group session is kept in this browser until it
  // is saved (focusgroups.js). Logging out takes it away from a shared
  // computer, after asking when some of it is not saved yet.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.action || !/\/accounts\/logout\/$/.test(form.action)) return;
    var keys = [];
    var unsaved = 0;
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("fg-feedback-") === 0) {
          keys.push(key);
          if (key.indexOf("fg-feedback-queue-") === 0) {
            unsaved += (JSON.parse(window.localStorage.getItem(key)) || []).length;
          }
        }
      }
    } catch (e) {
      return;
    }
    if (unsaved && !window.confirm(unsaved + " feedback item" + (unsaved === 1 ? " is" : "s are") +
        " not saved yet and will be lost. Log out anyway?")) {
      event.preventDefault();
      return;
    }
    keys.forEach(function (key) { window.localStorage.removeItem(key); });
  });
})();
