/*! django-webotp: fills the one-time-code field from the SMS with the Web OTP API.
 *
 * Progressive enhancement only: the form works without this file, and without Web OTP.
 * - Runs on forms marked [data-webotp-form] that hold an input[autocomplete="one-time-code"].
 * - Asks the browser once per page; fills the field and submits the form with requestSubmit().
 * - When the person submits by hand first, the pending request is aborted (and only then:
 *   aborting with nothing pending has crashed some Chromium builds).
 * - A declined or failed request stays silent; the field is usable at once throughout.
 * - On a one-tap link's page (the form also has [data-webotp-link]), the code comes from the
 *   link's fragment (#123456), which never reaches the server: it fills the field, leaves the
 *   address bar and history without it, and the person presses the button. Never submitted
 *   from here: link scanners may run script too.
 * - Pages that submit the code themselves (the JSON API) call window.djangoWebOTP.receive(),
 *   the script's one global.
 */
(function () {
  "use strict";

  function submitOnce(form) {
    // Guards against a second submit (a double click, or Web OTP racing a click).
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-webotp-submitted") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-webotp-submitted", "true");
    });
    // Coming back through the history cache: the form may be sent again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        form.removeAttribute("data-webotp-submitted");
      }
    });
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function listen(form, input) {
    if (!("OTPCredential" in window) || !navigator.credentials) {
      return;
    }
    var controller = new AbortController();
    var pending = true;

    form.addEventListener("submit", function () {
      if (pending) {
        pending = false;
        controller.abort();
      }
    }, true);

    navigator.credentials
      .get({ otp: { transport: ["sms"] }, signal: controller.signal })
      .then(function (credential) {
        pending = false;
        if (!credential || !credential.code) {
          return;
        }
        if (form.getAttribute("data-webotp-submitted") === "true") {
          return;
        }
        input.value = credential.code;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        submit(form);
      })
      .catch(function () {
        // AbortError (manual submit) or NotAllowedError (declined): the field stays as it is.
        pending = false;
      });
  }

  function fillFromLink(form, input) {
    if (!form.hasAttribute("data-webotp-link")) {
      return false;
    }
    var code = window.location.hash.slice(1);
    var length = parseInt(input.getAttribute("maxlength"), 10);
    if (!/^[0-9]+$/.test(code) || (length && code.length !== length)) {
      return false;
    }
    input.value = code;
    if (window.history && typeof window.history.replaceState === "function") {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.focus();
    }
    return true;
  }

  /**
   * djangoWebOTP.receive({signal}) -> Promise<string|null>
   *
   * For pages that submit the code themselves (the JSON API): asks the browser once for the
   * code in the SMS. Resolves with the code, or null when Web OTP is unavailable, declined or
   * aborted; never rejects. `signal` (optional AbortSignal) stops waiting; the browser's request
   * is aborted only while it is pending (aborting an idle one has crashed some Chromium builds).
   */
  function receive(options) {
    var signal = options && options.signal;
    if (!("OTPCredential" in window) || !navigator.credentials || (signal && signal.aborted)) {
      return Promise.resolve(null);
    }
    var controller = new AbortController();
    var pending = true;
    function stop() {
      if (pending) {
        pending = false;
        controller.abort();
      }
    }
    if (signal) {
      signal.addEventListener("abort", stop);
    }
    return navigator.credentials
      .get({ otp: { transport: ["sms"] }, signal: controller.signal })
      .then(function (credential) {
        return credential && credential.code ? credential.code : null;
      })
      .catch(function () {
        return null;
      })
      .then(function (code) {
        pending = false;
        if (signal) {
          signal.removeEventListener("abort", stop);
        }
        return code;
      });
  }

  window.djangoWebOTP = Object.freeze({ receive: receive });

  function init() {
    var forms = document.querySelectorAll("form[data-webotp-form]");
    Array.prototype.forEach.call(forms, function (form) {
      var input = form.querySelector('input[autocomplete="one-time-code"]');
      if (!input) {
        return;
      }
      submitOnce(form);
      if (!fillFromLink(form, input)) {
        listen(form, input);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Delivery status (WEBOTP_DELIVERY = "task"): while the SMS waits for a worker, the code page
 * shows "Sending your code…" in an element marked [data-webotp-status] (the status URL) with a
 * link that reloads the page. This asks the JSON status endpoint instead, a bounded number of
 * times, and puts the outcome ("on its way" or "could not send") in place of the link.
 */
(function () {
  "use strict";

  var MAX_POLLS = 40;

  function poll(element, url, count) {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (status) {
        if (status.state === "sending" && count < MAX_POLLS) {
          window.setTimeout(poll, Math.min(500 * (count + 1), 3000), element, url, count + 1);
          return;
        }
        if (status.state !== "sending") {
          element.textContent = status.message;
          element.className = "webotp-delivery webotp-delivery-" + status.state;
        }
      })
      .catch(function () {
        // Offline or a server hiccup: the reload link stays for the person to use.
      });
  }

  function init() {
    var elements = document.querySelectorAll("[data-webotp-status]");
    Array.prototype.forEach.call(elements, function (element) {
      window.setTimeout(poll, 300, element, element.getAttribute("data-webotp-status"), 0);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* "Send a new code" during its cooldown: the code page renders the button enabled, with
 * "(available in N seconds)" beside it in an element marked [data-webotp-countdown="N"]
 * (without this script, pressing it early answers with a page that says how long to wait and
 * leads back). This disables the button, counts the sentence down once a second (its words
 * for one second and for more come in data-webotp-one and data-webotp-other, "{n}" for the
 * number), then enables the button. The sentence is not a live region, so a screen reader does
 * not read every second: the button points to it (aria-describedby) for whoever reaches it, and
 * the form's [data-webotp-announce] region says data-webotp-ready once the button works.
 */
(function () {
  "use strict";

  function countDown(hint) {
    var form = hint.closest("form");
    var button = form && form.querySelector('button[type="submit"]');
    var seconds = parseInt(hint.getAttribute("data-webotp-countdown"), 10);
    if (!button || !(seconds > 0)) {
      return;
    }
    var announce = form.querySelector("[data-webotp-announce]");
    var deadline = Date.now() + seconds * 1000;
    button.disabled = true;

    function tick() {
      var left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        button.disabled = false;
        button.removeAttribute("aria-describedby");
        hint.hidden = true;
        if (announce) {
          announce.textContent = hint.getAttribute("data-webotp-ready");
        }
        return;
      }
      var words = hint.getAttribute(left === 1 ? "data-webotp-one" : "data-webotp-other");
      hint.textContent = words.replace("{n}", String(left));
      // Wakes as the next whole second is reached, from the deadline, not by adding up delays.
      window.setTimeout(tick, deadline - Date.now() - (left - 1) * 1000);
    }

    tick();
  }

  function init() {
    var hints = document.querySelectorAll("[data-webotp-countdown]");
    Array.prototype.forEach.call(hints, countDown);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
