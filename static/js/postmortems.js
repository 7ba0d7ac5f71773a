// Postmortem editor: run the blameless check whenever markdownx refreshes the live preview,
// and add action-item rows from the formset's empty form.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function setUpBlamelessCheck() {
    var panel = document.getElementById("blameless-findings");
    var editor = document.querySelector(".markdownx");
    if (!panel || !editor) return;
    var textarea = editor.querySelector("textarea");
    var form = textarea.form;
    var pending = null;

    function check() {
      var data = new FormData();
      data.append("body", textarea.value);
      data.append("csrfmiddlewaretoken", csrfToken(form));
      fetch(panel.dataset.checkUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) { if (result) panel.innerHTML = result.html; })
        .catch(function () { /* the check is advisory; the server checks again on save */ });
    }

    editor.addEventListener("markdownx.update", function () {
      clearTimeout(pending);
      pending = setTimeout(check, 300);
    });
  }

  function setUpAddRow() {
    var button = document.getElementById("add-action-item");
    var template = document.getElementById("action-item-template");
    var rows = document.querySelector("#action-item-rows tbody");
    var total = document.querySelector("input[name='items-TOTAL_FORMS']");
    if (!button || !template || !rows || !total) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var title = rows.lastElementChild.querySelector("input[type='text']");
      if (title) title.focus();
    });
  }

  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPrintButtons();
    setUpBlamelessCheck();
    setUpAddRow();
  });
})();
