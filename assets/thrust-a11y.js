/*
 * THRUST: focus goes back where it was when a dialog closes.
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
