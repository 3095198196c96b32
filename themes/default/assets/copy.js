// A "Copy" button on every code block. Code reads the same without it: the button is added
// here, so readers without JavaScript never see a button that does nothing.
(function () {
  "use strict";
  var script = document.currentScript;
  var label = (script && script.dataset.copy) || "Copy";
  var done = (script && script.dataset.copied) || "Copied";
  if (!navigator.clipboard) return;
  document.querySelectorAll(".post-body .highlight").forEach(function (block) {
    var code = block.querySelector("pre code") || block.querySelector("pre");
    if (!code) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = label;
    button.addEventListener("click", function () {
      // line numbers live outside <code>, so they are never copied
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = done;
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
    block.classList.add("has-copy");
    block.appendChild(button);
  });
})();
