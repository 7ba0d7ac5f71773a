// The review meeting's step page: keyboard stepping and the per-item timer. The page works without this file:
// Previous/Next are links, "Go to item" is a form, and the time already spent is shown as text.
(function () {
  "use strict";

  // j/n: next item, k/p: previous, g: the "go to item" box. Never while typing, never with a modifier key.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var link = null;
    if (event.key === "j" || event.key === "n") link = document.querySelector("[data-key-next]");
    else if (event.key === "k" || event.key === "p") link = document.querySelector("[data-key-prev]");
    else if (event.key === "g") {
      var box = document.getElementById("jump-position");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
      return;
    }
    if (link) { event.preventDefault(); link.click(); }
  });

  // The timer counts up from what earlier visits spent; leaving the page reports this visit's seconds.
  var timer = document.querySelector("[data-timer]");
  if (!timer) return;
  var before = parseInt(timer.getAttribute("data-seconds"), 10) || 0;
  var opened = Date.now();
  var reported = false;
  function elapsed() { return Math.floor((Date.now() - opened) / 1000); }
  function show() {
    var total = before + elapsed();
    var minutes = Math.floor(total / 60), seconds = total % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }
  show();
  setInterval(show, 1000);
  // Deciding carries the seconds in the form itself (one request instead of two racing ones).
  var decision = document.querySelector("form.decision-form");
  if (decision) {
    decision.addEventListener("submit", function () {
      var field = decision.querySelector("input[name=seconds]");
      if (field) { field.value = String(elapsed()); reported = true; }
    });
  }
  var url = timer.getAttribute("data-timer-url");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!url || !token || !navigator.sendBeacon) return;
  window.addEventListener("pagehide", function () {
    if (reported) return;
    reported = true;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append("seconds", String(elapsed()));
    navigator.sendBeacon(url, data);
  });
})();
