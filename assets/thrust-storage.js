/*
 * THRUST: pages that still work where the browser refuses them storage.
 *
 * Shown inside another site's frame (the public /busy page on a gym's website), a browser that blocks
 * third-party storage throws on every read of localStorage and sessionStorage, and the app reads both
 * while it renders (the colour mode, the socket's client token): the page would stay blank. There,
 * and only there, each is replaced by a store in this page's memory, forgotten when the page closes.
 * Loaded in <head> before the app's modules.
 */
(function () {
  "use strict";

  function memoryStorage() {
    var items = new Map();
    return {
      getItem: function (key) {
        key = String(key);
        return items.has(key) ? items.get(key) : null;
      },
      setItem: function (key, value) {
        items.set(String(key), String(value));
      },
      removeItem: function (key) {
        items.delete(String(key));
      },
      clear: function () {
        items.clear();
      },
      key: function (index) {
        var keys = Array.from(items.keys());
        return index < keys.length ? keys[index] : null;
      },
      get length() {
        return items.size;
      },
    };
  }

  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      window[name].getItem("thrust");
    } catch (refused) {
      try {
        Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
      } catch (stuck) {
        // Nothing more to do: the page renders what it can.
      }
    }
  });
})();
