// Hindsight's small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Tell the server the browser's time zone so times are shown in it (reload once when it changes).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var current = (document.cookie.match(/(?:^|; )hindsight_tz=([^;]*)/) || [])[1];
    if (zone && decodeURIComponent(current || "") !== zone) {
      document.cookie = "hindsight_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: stay in UTC */ }

  // Filters fold behind their "Filters" summary on phones; wider screens show them open.
  if (window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (fold) { fold.open = true; });
  }

  // Copy buttons on code blocks in rendered Markdown.
  document.querySelectorAll(".prose pre").forEach(function (pre) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small copy-button";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.innerText.replace(/Copy$/, "").trim()).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
    pre.appendChild(button);
  });

  // Browsers skip `autofocus` when the window is not focused yet (a new tab, a background window).
  var wanted = document.querySelector("[autofocus]");
  if (wanted && document.activeElement !== wanted) wanted.focus();
})();
