// Hindsight's small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Tell the server the browser's time zone so times are shown in it. Zone names ("Asia/Tokyo") are valid
  // cookie values as they are: written unencoded, so the server reads exactly the name.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var current = (document.cookie.match(/(?:^|; )hindsight_tz=([^;]*)/) || [])[1];
    if (zone && /^[A-Za-z0-9_+\/-]+$/.test(zone) && current !== zone) {
      document.cookie = "hindsight_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: stay in UTC */ }

  // Filters fold behind their "Filters" summary on phones; wider screens show them open.
  if (window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (fold) { fold.open = true; });
  }
  // Text limits: count characters under every bounded text box and refuse to submit past the limit, keeping the
  // text. A maxlength attribute would silently cut a long paste short, so it becomes data-max-length here.
  document.querySelectorAll("textarea[maxlength], textarea[data-max-length]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("data-max-length") || box.getAttribute("maxlength"), 10);
    if (!limit) return;
    box.removeAttribute("maxlength");
    box.setAttribute("data-max-length", String(limit));
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    if (box.id) counter.id = box.id + "-count";
    box.insertAdjacentElement("afterend", counter);
    function update() {
      var over = box.value.length - limit;
      var message = over > 0
        ? "Too long to save: " + over.toLocaleString() + " characters over the limit of " + limit.toLocaleString() + "."
        : "";
      counter.textContent = box.value.length.toLocaleString() + " / " + limit.toLocaleString() + " characters"
        + (message ? " — " + message : "");
      counter.classList.toggle("char-count--over", over > 0);
      box.setCustomValidity(message);
    }
    box.addEventListener("input", update);
    update();
  });

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
