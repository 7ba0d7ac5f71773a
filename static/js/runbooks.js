// Runbook page: a "Copy" button on every code block, so commands go to a terminal without retyping.
(function () {
  "use strict";

  function addCopyButton(pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      var done = function (label) {
        button.textContent = label;
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code.innerText).then(function () { done("Copied"); }, function () { done("Press Ctrl+C"); });
      } else {
        var range = document.createRange();
        range.selectNodeContents(code);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        done("Selected");
      }
    });
    pre.appendChild(button);
  }

  document.querySelectorAll(".runbook-body pre").forEach(addCopyButton);
})();
