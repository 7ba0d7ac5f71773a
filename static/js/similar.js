// Similar past incidents: the incident page loads its list once; the declare form asks again as the title,
// summary and services change. The server renders the fragment; without JavaScript both pages still work.
(function () {
  "use strict";

  function load(url, target) {
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } })
      .catch(function () { /* keep what is there: the link still works */ });
  }

  document.querySelectorAll("[data-similar-url]").forEach(function (section) {
    var target = section.querySelector("[data-similar-target]");
    if (target) { load(section.getAttribute("data-similar-url"), target); }
  });

  var form = document.querySelector("form[data-similar-form]");
  if (!form) { return; }
  var target = document.querySelector("[data-similar-draft-target]");
  var timer = null;
  function ask() {
    var params = new URLSearchParams();
    ["title", "summary"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) { params.append(name, field.value); }
    });
    form.querySelectorAll("[name=services]").forEach(function (field) {
      if (field.options) {
        Array.prototype.forEach.call(field.selectedOptions, function (o) { params.append("services", o.value); });
      } else if (field.checked) {
        params.append("services", field.value);
      }
    });
    load(form.getAttribute("data-similar-form") + "?" + params.toString(), target);
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
