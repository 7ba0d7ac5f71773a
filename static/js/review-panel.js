// The editor's review side panel: "Show in the text" selects the quoted words (or the section heading) in the
// Markdown editor and scrolls to them.
(function () {
  "use strict";

  var textarea = document.querySelector(".markdownx textarea, textarea[name='body']");
  if (!textarea) return;

  function squash(text) { return text.replace(/\s+/g, " ").trim(); }

  function find(needle) {
    if (!needle) return -1;
    var exact = textarea.value.indexOf(needle);
    if (exact !== -1) return { start: exact, end: exact + needle.length };
    var first = squash(needle).split(" ")[0];
    var loose = first ? textarea.value.indexOf(first) : -1;
    return loose === -1 ? -1 : { start: loose, end: loose + first.length };
  }

  document.querySelectorAll("[data-jump-quote]").forEach(function (button) {
    button.addEventListener("click", function () {
      var section = button.dataset.jumpSection;
      var place = find(button.dataset.jumpQuote);
      if (place === -1 && section) place = find(section);
      if (place === -1) return;
      textarea.focus();
      textarea.setSelectionRange(place.start, place.end);
      var line = textarea.value.slice(0, place.start).split("\n").length;
      var height = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
      textarea.scrollTop = Math.max(0, (line - 3) * height);
    });
  });
})();
