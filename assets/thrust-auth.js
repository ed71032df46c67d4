/*
 * THRUST sign-in, sign-up and sign-out in the browser.
 *
 * Passwords never travel through the Reflex socket or its state: forms marked
 * data-thrust-auth="login" or "signup" are posted here with fetch to /api/v1/auth/*, which sets
 * HttpOnly cookies. On success we do a full page load so the socket reconnects carrying the cookie.
 * Messages go into the elements the page reserves for them:
 *   [data-thrust-auth-message]            the server's message for the whole form
 *   [data-thrust-field-error="<field>"]   one field's message (field = the input's name, camelCase)
 */
(function () {
  "use strict";

  var ENDPOINTS = { login: "/api/v1/auth/login", signup: "/api/v1/auth/signup" };
  var PENDING_LABEL = { login: "Signing in…", signup: "Creating your account…" };
  var NETWORK_MESSAGE = "Could not reach THRUST. Check your connection and try again.";
  var GENERIC_MESSAGE = "Something went wrong on our side. Please try again in a moment.";
  var PUBLIC_PAGES = ["/login", "/signup"];

  /** `value` if it is a path on this site (not "//host", "/\host", control characters), else "/". */
  function safeNext(value) {
    if (typeof value !== "string" || value.charAt(0) !== "/" || value.length > 512) return "/";
    if (value.charAt(1) === "/" || value.indexOf("\\") !== -1) return "/";
    for (var i = 0; i < value.length; i++) {
      var code = value.charCodeAt(i);
      if (code < 0x20 || code === 0x7f) return "/";
    }
    var path = value.split("?")[0].replace(/\/+$/, "");
    if (PUBLIC_PAGES.indexOf(path) !== -1) return "/";
    return value;
  }

  function nextPath() {
    return safeNext(new URLSearchParams(window.location.search).get("next"));
  }

  function messageBox(form) {
    return form.querySelector("[data-thrust-auth-message]");
  }

  function showMessage(form, text) {
    var box = messageBox(form);
    if (!box) return;
    var slot = box.querySelector("[data-thrust-auth-message-text]") || box;
    slot.textContent = text;
    box.hidden = !text;
  }

  function fieldInput(form, field) {
    return form.querySelector('[name="' + field.replace(/["\\]/g, "") + '"]');
  }

  function showFieldError(form, field, text) {
    var slot = form.querySelector('[data-thrust-field-error="' + field.replace(/["\\]/g, "") + '"]');
    var input = fieldInput(form, field);
    if (!slot) return false;
    slot.textContent = text;
    slot.hidden = !text;
    if (input) {
      // The message first, then whatever else describes the field (its hint).
      var others = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && id !== slot.id;
      });
      if (text) {
        input.setAttribute("aria-invalid", "true");
        others.unshift(slot.id);
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (others.length) input.setAttribute("aria-describedby", others.join(" "));
      else input.removeAttribute("aria-describedby");
    }
    return true;
  }

  function clearErrors(form) {
    showMessage(form, "");
    var slots = form.querySelectorAll("[data-thrust-field-error]");
    for (var i = 0; i < slots.length; i++) {
      showFieldError(form, slots[i].getAttribute("data-thrust-field-error"), "");
    }
  }

  function setPending(form, kind, pending) {
    var button = form.querySelector('button[type="submit"]');
    form.setAttribute("aria-busy", pending ? "true" : "false");
    if (!button) return;
    var label = button.querySelector("[data-thrust-button-label]") || button;
    if (pending) {
      button.dataset.idleLabel = label.textContent;
      label.textContent = PENDING_LABEL[kind];
      button.disabled = true;
    } else {
      if (button.dataset.idleLabel) label.textContent = button.dataset.idleLabel;
      button.disabled = false;
    }
  }

  function value(form, name) {
    var input = fieldInput(form, name);
    return input ? input.value : "";
  }

  function payload(form, kind) {
    if (kind === "login") {
      return { email: value(form, "email").trim(), password: value(form, "password"), useCookies: true };
    }
    var body = {
      email: value(form, "email").trim(),
      password: value(form, "password"),
      fullName: value(form, "fullName").trim(),
      useCookies: true,
    };
    var phone = value(form, "phone").trim();
    if (phone) body.phone = phone;
    return body;
  }

  /** Checks the browser can make without asking the server; true if the form may be sent. */
  function precheck(form, kind) {
    if (kind !== "signup") return true;
    var confirm = fieldInput(form, "confirmPassword");
    if (confirm && confirm.value !== value(form, "password")) {
      showFieldError(form, "confirmPassword", "The passwords do not match");
      confirm.focus();
      return false;
    }
    return true;
  }

  function showProblem(form, status, body) {
    var error = (body && body.error) || {};
    var details = Array.isArray(error.details) ? error.details : [];
    var unplaced = [];
    var first = null;
    var byField = Object.create(null);
    var order = [];
    for (var i = 0; i < details.length; i++) {
      var detail = details[i] || {};
      if (typeof detail.field !== "string" || typeof detail.message !== "string") continue;
      if (!byField[detail.field]) {
        byField[detail.field] = [];
        order.push(detail.field);
      }
      if (byField[detail.field].indexOf(detail.message) === -1) byField[detail.field].push(detail.message);
    }
    for (var j = 0; j < order.length; j++) {
      var field = order[j];
      if (showFieldError(form, field, byField[field].join("\n"))) {
        first = first || fieldInput(form, field);
      } else {
        unplaced = unplaced.concat(byField[field]);
      }
    }
    var message = typeof error.message === "string" ? error.message : "";
    if (status >= 500 || (!message && !details.length)) {
      message = GENERIC_MESSAGE;
    } else if (first) {
      message = ["Please check the highlighted fields."].concat(unplaced).join(" ");
    } else if (unplaced.length) {
      message = unplaced.join(" ");
    }
    showMessage(form, message);
    if (first) first.focus();
  }

  function submit(form, kind) {
    clearErrors(form);
    if (!precheck(form, kind)) return;
    setPending(form, kind, true);
    fetch(ENDPOINTS[kind], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload(form, kind)),
    })
      .then(function (response) {
        if (response.ok) {
          // A full navigation: the new socket's handshake carries the cookie just set.
          window.location.assign(nextPath());
          return;
        }
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            setPending(form, kind, false);
            showProblem(form, response.status, body);
          });
      })
      .catch(function () {
        setPending(form, kind, false);
        showMessage(form, NETWORK_MESSAGE);
      });
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form || !form.matches || !form.matches("form[data-thrust-auth]")) return;
      var kind = form.getAttribute("data-thrust-auth");
      event.preventDefault();
      event.stopPropagation();
      if (!ENDPOINTS[kind] || form.getAttribute("aria-busy") === "true") return;
      submit(form, kind);
    },
    true,
  );

  // Clear a field's message as soon as the user edits it.
  document.addEventListener(
    "input",
    function (event) {
      var input = event.target;
      var form = input && input.form;
      if (!form || !form.matches("form[data-thrust-auth]") || !input.name) return;
      if (input.getAttribute("aria-invalid") === "true") showFieldError(form, input.name, "");
    },
    true,
  );

  // Links between the sign-in and sign-up pages keep the place to return to.
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target && event.target.closest && event.target.closest("a[data-thrust-keep-next]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
      var next = nextPath();
      if (next === "/") return;
      event.preventDefault();
      var url = new URL(link.getAttribute("href"), window.location.origin);
      url.searchParams.set("next", next);
      window.location.assign(url.pathname + url.search);
    },
    true,
  );

  function logout() {
    return fetch("/api/v1/auth/logout", {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .catch(function () {
        return null;
      })
      .then(function () {
        window.location.assign("/login");
      });
  }

  /**
   * A protected page found no valid access cookie on the socket. The access token may only have
   * expired: try the refresh cookie once (serialised across tabs, since a refresh token is single-use)
   * and reload into `next`; otherwise go to the sign-in page.
   */
  var RESUME_KEY = "thrust:resume-tried";
  function resume(next, loginUrl) {
    var target = safeNext(next);
    var signIn = typeof loginUrl === "string" && loginUrl.indexOf("/login") === 0 ? loginUrl : "/login";
    function toSignIn() {
      window.location.replace(signIn);
    }
    var last = Number(window.sessionStorage.getItem(RESUME_KEY) || 0);
    if (Date.now() - last < 30000) return toSignIn(); // tried a moment ago: no reload loop
    window.sessionStorage.setItem(RESUME_KEY, String(Date.now()));
    function attempt() {
      return fetch("/api/v1/auth/refresh", {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (response.ok) window.location.replace(target);
          else toSignIn();
        })
        .catch(toSignIn);
    }
    if (navigator.locks && navigator.locks.request) return navigator.locks.request("thrust-auth-refresh", attempt);
    return attempt();
  }

  window.thrustAuth = { logout: logout, resume: resume, safeNext: safeNext };
})();
