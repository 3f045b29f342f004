// Presentation mode of the outcomes-session dashboard: one slide per screen,
// arrow keys and buttons move, Esc leaves, ?slide=N keeps the position.
(function () {
  "use strict";
  var deck = document.querySelector(".deck");
  if (!deck) return;
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  var prev = deck.querySelector("[data-deck-prev]");
  var next = deck.querySelector("[data-deck-next]");
  var position = deck.querySelector("[data-deck-position]");
  var exitUrl = deck.getAttribute("data-exit-url");
  var current = 0;

  function fromUrl() {
    var n = parseInt(new URLSearchParams(window.location.search).get("slide"), 10);
    return isNaN(n) ? 0 : Math.min(Math.max(n - 1, 0), slides.length - 1);
  }

  // A department's card after the first few slides is fetched when its slide
  // is reached (and the next one ahead), so the page stays small at any size.
  function load(slide) {
    if (!slide || !slide.hasAttribute("data-card-url")) return;
    var url = slide.getAttribute("data-card-url");
    slide.removeAttribute("data-card-url");
    slide.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        slide.innerHTML = html;
      })
      .catch(function () {
        var status = slide.querySelector("[data-card-status]");
        if (status) status.textContent = "The department's card could not be loaded. Reload the page to try again.";
        slide.setAttribute("data-card-url", url);
      })
      .then(function () {
        slide.removeAttribute("aria-busy");
      });
  }

  function show(index, push) {
    current = Math.min(Math.max(index, 0), slides.length - 1);
    load(slides[current]);
    load(slides[current + 1]);
    slides.forEach(function (slide, i) {
      slide.hidden = i !== current;
    });
    prev.disabled = current === 0;
    next.disabled = current === slides.length - 1;
    var heading = slides[current].querySelector("h1, h2");
    position.textContent =
      "Slide " + (current + 1) + " of " + slides.length +
      (heading ? ": " + heading.textContent.replace(/\s+/g, " ").trim() : "");
    var params = new URLSearchParams(window.location.search);
    params.set("slide", String(current + 1));
    var url = window.location.pathname + "?" + params.toString();
    if (push) {
      window.history.pushState({ slide: current }, "", url);
    } else {
      window.history.replaceState({ slide: current }, "", url);
    }
  }

  document.body.classList.add("deck-js");
  prev.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  window.addEventListener("popstate", function () { show(fromUrl(), false); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") {
      event.preventDefault();
      show(current + 1, true);
    } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
      event.preventDefault();
      show(current - 1, true);
    } else if (event.key === "Home") {
      show(0, true);
    } else if (event.key === "End") {
      show(slides.length - 1, true);
    } else if (event.key === "Escape") {
      window.location.assign(exitUrl);
    }
  });
  // Printing shows every slide, one department per page.
  window.addEventListener("beforeprint", function () {
    slides.forEach(function (slide) { slide.hidden = false; });
  });
  window.addEventListener("afterprint", function () { show(current, false); });
  show(fromUrl(), false);
})();
