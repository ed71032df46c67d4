// Search boxes marked data-keep-caret (the front desk's): the arrow keys move the highlighted
// result, not the caret (the server still hears them). A file rather than an inline script: the
// Content-Security-Policy runs no inline script it does not know by hash.
document.addEventListener(
  "keydown",
  function (e) {
    var box = e.target;
    if (box && box.hasAttribute && box.hasAttribute("data-keep-caret")) {
      if (e.key === "ArrowUp" || e.key === "ArrowDown") {
        e.preventDefault();
      }
    }
  },
  true
);
