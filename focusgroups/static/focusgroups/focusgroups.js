// Focus groups — keep keyboard users where they were after htmx swaps, and
// let a CSO type feedback at full speed: each submission is queued, kept on
// this device (localStorage) and sent in the background, one at a time, while
// the form is already empty for the next item. The form is never replaced.
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

  var form = document.querySelector("form[data-fg-entry]");
  if (!form) return;
  var sessionId = form.getAttribute("data-fg-entry");
  var QUEUE_KEY = "fg-feedback-queue-" + sessionId;
  var DRAFT_KEY = "fg-feedback-draft-" + sessionId;
  // Fields cleared for the next item; where it came from and sharing stay.
  var CLEARED = ["text", "sentiment", "themes", "possible_solution"];
  var list = document.getElementById("feedback-list");
  var statusRegion = document.getElementById("feedback-status");
  var sending = false;
  var retryTimer = null;
  var retryDelay = 1000;

  function storageGet(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function storageSet(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* Private mode or full storage: the queue still works in this page. */
    }
  }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // The form's values as [name, value] pairs (no CSRF token: the page's
  // current one is added when sending).
  function formValues() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "client_token") pairs.push([name, value]);
    });
    return pairs;
  }

  function formFill(pairs) {
    var byName = {};
    pairs.forEach(function (p) {
      (byName[p[0]] = byName[p[0]] || []).push(p[1]);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "client_token") return;
      var values = byName[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
      else if (values.length) el.value = values[0];
    });
  }

  function formClear() {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (CLEARED.indexOf(el.name) === -1) return;
      if (el.type === "checkbox") el.checked = false;
      else el.value = "";
    });
  }

  function valueOf(pairs, name) {
    for (var i = 0; i < pairs.length; i++) if (pairs[i][0] === name) return pairs[i][1];
    return "";
  }

  // Errors next to the fields, with the form's own words (data-fg-missing).
  function fieldErrorsClear() {
    form.querySelectorAll(".fg-client-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".is-invalid").forEach(function (el) {
      el.classList.remove("is-invalid");
      el.removeAttribute("aria-invalid");
    });
  }
  function missingFields() {
    var first = null;
    form.querySelectorAll("[data-fg-missing]").forEach(function (el) {
      if ((el.value || "").trim()) return;
      el.classList.add("is-invalid");
      el.setAttribute("aria-invalid", "true");
      var message = document.createElement("div");
      message.className = "invalid-feedback fg-client-error";
      message.id = el.id + "-client-error";
      message.textContent = el.getAttribute("data-fg-missing");
      el.setAttribute("aria-describedby", message.id);
      el.insertAdjacentElement("afterend", message);
      if (!first) first = el;
    });
    return first;
  }

  // What the CSO chose besides the words, shown on the queued item so each
  // tick is seen on its own item: "Negative · Themes: Wait times, Parking".
  function summaryOf() {
    var parts = [];
    var sentiment = form.elements.sentiment;
    if (sentiment && sentiment.selectedIndex > 0) {
      parts.push(sentiment.options[sentiment.selectedIndex].text);
    }
    var themes = [];
    form.querySelectorAll("input[name=themes]:checked").forEach(function (box) {
      var label = form.querySelector('label[for="' + box.id + '"]');
      if (label) themes.push(label.textContent.trim());
    });
    if (themes.length) parts.push("Themes: " + themes.join(", "));
    return parts.join(" · ");
  }

  function announce(text) {
    if (statusRegion) statusRegion.textContent = text;
  }

  function countSet(n) {
    var count = document.getElementById("feedback-count");
    if (count && n !== null) count.textContent = String(n);
    var empty = document.getElementById("feedback-empty");
    if (empty) empty.hidden = true;
  }

  // A queued item shown in the list until the server's saved item replaces it.
  function pendingShow(entry) {
    var li = document.querySelector('li[data-fg-token="' + entry.token + '"]');
    if (!li) {
      li = document.createElement("li");
      li.className = "feedback-item card mb-2 feedback-pending";
      li.setAttribute("data-fg-token", entry.token);
      var body = document.createElement("div");
      body.className = "card-body py-2";
      var text = document.createElement("p");
      text.className = "feedback-text mb-1";
      text.textContent = valueOf(entry.values, "text");
      var summary = document.createElement("p");
      summary.className = "small text-body-secondary mb-1 fg-pending-summary";
      summary.textContent = entry.summary || "";
      var state = document.createElement("p");
      state.className = "feedback-state mb-0";
      body.appendChild(text);
      if (entry.summary) body.appendChild(summary);
      body.appendChild(state);
      li.appendChild(body);
      list.appendChild(li);
      countSet(null);
    }
    var stateEl = li.querySelector(".feedback-state");
    li.classList.toggle("feedback-failed", entry.state === "failed");
    stateEl.classList.toggle("feedback-state-failed", entry.state !== "queued");
    stateEl.classList.toggle("feedback-state-saving", entry.state === "queued");
    stateEl.textContent = entry.state === "failed"
      ? "Not saved: " + entry.reason
      : entry.state === "waiting" ? "Not saved yet: " + entry.reason + " Trying again…" : "Saving…";
    var actions = li.querySelector(".fg-failed-actions");
    if (entry.state === "failed" && !actions) {
      actions = document.createElement("div");
      actions.className = "d-flex gap-2 mt-2 fg-failed-actions";
      var back = document.createElement("button");
      back.type = "button";
      back.className = "btn btn-sm btn-outline-primary";
      back.textContent = "Put back in the form";
      back.addEventListener("click", function () {
        if ((form.elements.text.value || "").trim() &&
            !window.confirm("Replace what is in the form with this item?")) return;
        formFill(entry.values);
        draftSave();
        queueRemove(entry.token);
        li.remove();
        form.elements.text.focus();
      });
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-danger";
      discard.textContent = "Discard";
      discard.addEventListener("click", function () {
        queueRemove(entry.token);
        li.remove();
        form.elements.text.focus();
      });
      actions.appendChild(back);
      actions.appendChild(discard);
      li.querySelector(".card-body").appendChild(actions);
    }
    return li;
  }

  function queue() { return storageGet(QUEUE_KEY, []); }
  function queueSave(entries) { storageSet(QUEUE_KEY, entries.length ? entries : null); }
  function queueUpdate(token, changes) {
    var entries = queue();
    entries.forEach(function (e) {
      if (e.token === token) Object.keys(changes).forEach(function (k) { e[k] = changes[k]; });
    });
    queueSave(entries);
  }
  function queueRemove(token) {
    queueSave(queue().filter(function (e) { return e.token !== token; }));
  }

  function draftSave() {
    var values = formValues();
    var hasWords = CLEARED.some(function (name) { return (valueOf(values, name) || "").trim(); });
    storageSet(DRAFT_KEY, hasWords ? values : null);
  }

  function retryLater(reason) {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      sendNext();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
    announce("Feedback not saved yet: " + reason + " It is kept on this device.");
  }

  function saved(entry, html, li) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var item = holder.content.querySelector("li.feedback-item");
    var count = holder.content.querySelector("#feedback-count");
    if (item && document.getElementById(item.id)) {
      li.remove();  // Saved before (a retry after a lost answer): shown once.
    } else if (item) {
      li.replaceWith(item);
      if (window.htmx) window.htmx.process(item);
    }
    countSet(count ? count.textContent : null);
    queueRemove(entry.token);
    announce("Feedback saved: " + valueOf(entry.values, "text").slice(0, 60));
  }

  function refused(entry, html, li) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var reasons = [];
    holder.content.querySelectorAll(".invalid-feedback, .alert-danger").forEach(function (el) {
      var t = el.textContent.trim();
      if (t && reasons.indexOf(t) === -1) reasons.push(t);
    });
    var reason = reasons.join(" ") || "the server refused it.";
    queueUpdate(entry.token, { state: "failed", reason: reason });
    entry.state = "failed";
    entry.reason = reason;
    pendingShow(entry);
    announce("Feedback not saved: " + reason);
  }

  function sendNext() {
    if (sending) return;
    var entry = queue().filter(function (e) { return e.state !== "failed"; })[0];
    if (!entry) return;
    sending = true;
    var li = pendingShow(entry);
    var body = new FormData();
    entry.values.forEach(function (p) { body.append(p[0], p[1]); });
    body.append("client_token", entry.token);
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      return response.text().then(function (html) {
        sending = false;
        if (response.ok && !response.redirected) {
          retryDelay = 1000;
          saved(entry, html, li);
          sendNext();
        } else if (response.status >= 400 && response.status < 500 &&
                   response.status !== 408 && response.status !== 429) {
          // Refused (422: the reasons; 403/404: the session cannot take it):
          // sending it again would not help.
          refused(entry, html, li);
          sendNext();
        } else {
          var reason = response.redirected ? "sign in again in another tab." : "the server did not answer.";
          queueUpdate(entry.token, { state: "waiting", reason: reason });
          entry.state = "waiting";
          entry.reason = reason;
          pendingShow(entry);
          retryLater(reason);
        }
      });
    }).catch(function () {
      sending = false;
      var reason = "no connection.";
      queueUpdate(entry.token, { state: "waiting", reason: reason });
      entry.state = "waiting";
      entry.reason = reason;
      pendingShow(entry);
      retryLater(reason);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fieldErrorsClear();
    var missing = missingFields();
    if (missing) {
      missing.focus();
      return;
    }
    var entry = {
      token: newToken(),
      values: formValues(),
      summary: summaryOf(),
      state: "queued",
      reason: "",
    };
    var entries = queue();
    entries.push(entry);
    queueSave(entries);
    pendingShow(entry);
    formClear();
    storageSet(DRAFT_KEY, null);
    form.elements.text.focus();
    sendNext();
  });

  form.addEventListener("input", draftSave);
  form.addEventListener("change", draftSave);
  // A theme proposed on the page arrives ticked in the form (an htmx swap).
  document.addEventListener("htmx:afterSettle", draftSave);
  window.addEventListener("online", function () {
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    retryDelay = 1000;
    sendNext();
  });

  // After a reload: the unsaved draft goes back in the form, and queued items
  // are shown and sent again (their tokens make a second arrival harmless).
  var draft = storageGet(DRAFT_KEY, null);
  if (draft) {
    formFill(draft);
    var note = document.getElementById("feedback-draft-note");
    if (note) note.hidden = false;
  }
  queue().forEach(pendingShow);
  sendNext();
})();
