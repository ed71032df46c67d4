/*
 * THRUST: keyboard focus where people expect it.
 *
 * "Skip to content" moves the focus to the main content (the router would treat its link as a page
 * change and leave the focus at the top of the page).
 *
 * Our dialogs are opened by state (open=State.flag), not by a Radix trigger, so Radix has no trigger
 * to return focus to and leaves it on the page body. This remembers the last element focused outside
 * any dialog; when a dialog leaves the page and focus fell to the body, focus returns there (or, if
 * that element is gone, to the main content).
 */
(function () {
  "use strict";

  var DIALOG = '[role="dialog"], [role="alertdialog"]';
  var opener = null;

  document.addEventListener(
    "focusin",
    function (event) {
      var target = event.target;
      if (target instanceof Element && target !== document.body && !target.closest(DIALOG)) {
        opener = target;
      }
    },
    true
  );

  function containsDialog(node) {
    return node instanceof Element && (node.matches(DIALOG) || node.querySelector(DIALOG) !== null);
  }

  function restore() {
    var active = document.activeElement;
    if (active && active !== document.body) return; // something already has focus
    if (document.querySelector(DIALOG)) return; // another dialog is open
    var target = opener && opener.isConnected ? opener : document.getElementById("main-content");
    if (target) target.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest(".thrust-skip-link") : null;
    var main = document.getElementById("main-content");
    if (!link || !main) return;
    event.preventDefault();
    event.stopPropagation();
    main.focus();
    main.scrollIntoView({ block: "start" });
  }, true);

  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var removed = mutations[i].removedNodes;
      for (var j = 0; j < removed.length; j++) {
        if (containsDialog(removed[j])) {
          // After React and Radix have finished their own focus handling for this change.
          window.setTimeout(restore, 0);
          return;
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
