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

  // The Markdown editor (django-markdownx) indents with Tab. After Esc, the next Tab leaves the editor as usual,
  // so a keyboard is never trapped in it: stopping the event here keeps it from markdownx's own listener.
  var releasedEditor = null;
  document.addEventListener("keydown", function (event) {
    var editor = event.target.closest ? event.target.closest(".markdownx textarea") : null;
    if (!editor) return;
    if (event.key === "Escape") {
      releasedEditor = editor;
    } else if (event.key === "Tab" && releasedEditor === editor) {
      event.stopPropagation();
      releasedEditor = null;
    } else if (event.key !== "Shift") {
      releasedEditor = null;
    }
  }, true);

  // Browsers skip `autofocus` when the window is not focused yet (a new tab, a background window).
  var wanted = document.querySelector("[autofocus]");
  if (wanted && document.activeElement !== wanted) wanted.focus();
})();
