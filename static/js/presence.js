// Presence: the editor sends a heartbeat every ~30 s; the editor and the read view show who else is editing.
(function () {
  "use strict";

  var line = document.querySelector("[data-presence-url]");
  if (!line) return;
  var url = line.dataset.presenceUrl;
  var editing = line.dataset.presenceEditing === "1";
  var seconds = parseInt(line.dataset.presenceSeconds, 10) || 30;

  function show(result) {
    if (!result) return;
    line.textContent = result.text;
    line.hidden = !result.text;
  }

  function beat() {
    var options = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (editing) {
      options.method = "POST";
      options.headers["X-CSRFToken"] = line.dataset.csrf;
    }
    fetch(url, options)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(show)
      .catch(function () { /* presence is a courtesy; the merge on save is what keeps work safe */ });
  }

  if (editing) beat();
  setInterval(beat, seconds * 1000);
})();
