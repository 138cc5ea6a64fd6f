/*! django-webotp Web OTP simulator. Development only.
 *
 * Loaded before webotp.js on the code page when WEBOTP_DEV_SIMULATOR and DEBUG are on. It makes
 * navigator.credentials.get({otp}) behave in any desktop browser the way Chrome on Android does:
 * - it waits for the next SMS to this session's phone in the dev SMS inbox (polling its JSON feed,
 *   whose URL is the data-messages-url attribute of this script's tag);
 * - it reads the SMS with the spec's rules (the last line must be "@host #code", parsed on the
 *   server by the app's own parser) and takes it only if the host equals location.hostname;
 *   anything else is ignored, as Chrome ignores it, and the bar says why;
 * - it asks "Use code 123456 from SMS?" and resolves {type: "otp", code} on Allow, rejects with
 *   NotAllowedError on Deny, and with AbortError when the page's signal aborts.
 * Unlike real Chrome it also fills a page whose address has a port (localhost:8000), and says so.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var messagesUrl = script && script.getAttribute("data-messages-url");
  if (!messagesUrl) {
    return;
  }
  var inboxUrl = script.getAttribute("data-inbox-url");
  var POLL_MS = 1000;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // The bar at the bottom of the page: what the simulator is doing, and the consent question.
  function makeBar() {
    var bar = element("section", "webotp-sim");
    bar.setAttribute("aria-label", "Web OTP simulator");
    var title = element("p", "webotp-sim-title", "Web OTP simulator (development only)");
    if (inboxUrl) {
      var link = element("a", "", "Dev SMS inbox");
      link.href = inboxUrl;
      link.target = "_blank";
      title.appendChild(document.createTextNode(" · "));
      title.appendChild(link);
    }
    var status = element("p", "webotp-sim-status");
    status.id = "webotp-sim-status";
    status.setAttribute("role", "status");
    var log = element("ul", "webotp-sim-log");
    var ask = element("div", "webotp-sim-ask");
    ask.hidden = true;
    var note = element("p", "webotp-sim-note");
    var buttons = element("div", "webotp-sim-buttons");
    buttons.setAttribute("role", "group");
    buttons.setAttribute("aria-labelledby", status.id);
    var allow = element("button", "webotp-sim-allow", "Allow");
    var deny = element("button", "webotp-sim-deny", "Deny");
    allow.type = deny.type = "button";
    buttons.appendChild(allow);
    buttons.appendChild(deny);
    ask.appendChild(note);
    ask.appendChild(buttons);
    bar.appendChild(title);
    bar.appendChild(status);
    bar.appendChild(log);
    bar.appendChild(ask);
    document.body.appendChild(bar);

    var answer = null;
    var focusBefore = null;
    allow.addEventListener("click", function () { close(true); });
    deny.addEventListener("click", function () { close(false); });

    function close(allowed) {
      var callback = answer;
      answer = null;
      ask.hidden = true;
      if (focusBefore && document.contains(focusBefore)) {
        focusBefore.focus();
      }
      if (callback) {
        callback(allowed);
      }
    }

    return {
      say: function (text) {
        status.textContent = text;
      },
      note: function (text) {
        log.appendChild(element("li", "", text));
      },
      ask: function (code, warning, callback) {
        answer = callback;
        focusBefore = document.activeElement;
        status.textContent = "Use code " + code + " from SMS?";
        note.textContent = warning;
        note.hidden = !warning;
        ask.hidden = false;
      },
      dismiss: function () {
        answer = null;
        ask.hidden = true;
      }
    };
  }

  var bar = null;

  // Why Chrome would not offer this message on this page, or "" if it would.
  function reasonToIgnore(message) {
    var bound = message.origin_bound;
    if (!bound) {
      return "its last line \u201c" + message.last_line + "\u201d is not \u201c@host #code\u201d.";
    }
    if (bound.host !== location.hostname) {
      return "it is bound to " + bound.host + ", and this page is on " + location.hostname + ".";
    }
    if (bound.embedded_host) {
      return "it is meant for an iframe on " + bound.embedded_host + ".";
    }
    return "";
  }

  function portWarning() {
    if (!location.port) {
      return "";
    }
    return "Real Chrome would not fill this code: it never fills a page whose address has a port (:" +
      location.port + ").";
  }

  function request(signal) {
    bar = bar || makeBar();
    return new Promise(function (resolve, reject) {
      var done = false;
      var timer = null;
      var seen = {};

      function finish() {
        done = true;
        clearTimeout(timer);
        if (signal) {
          signal.removeEventListener("abort", onAbort);
        }
      }

      function onAbort() {
        if (done) {
          return;
        }
        finish();
        bar.dismiss();
        bar.say("The page stopped waiting for an SMS (AbortError).");
        reject(new DOMException("The request was aborted.", "AbortError"));
      }

      function offer(code) {
        bar.ask(code, portWarning(), function (allowed) {
          if (done) {
            return;
          }
          finish();
          if (allowed) {
            bar.say("Code " + code + " given to the page.");
            resolve({ id: "", type: "otp", code: code });
          } else {
            bar.say("Denied: the page got NotAllowedError. Type the code yourself.");
            reject(new DOMException("The user denied the request.", "NotAllowedError"));
          }
        });
      }

      function take(messages) {
        for (var i = 0; i < messages.length; i++) {
          var message = messages[i];
          if (seen[message.id]) {
            continue;
          }
          seen[message.id] = true;
          var reason = reasonToIgnore(message);
          if (!reason) {
            return message.origin_bound.code;
          }
          bar.note("Ignored an SMS, as Chrome would: " + reason);
        }
        return null;
      }

      function poll() {
        fetch(messagesUrl, { credentials: "same-origin", cache: "no-store",
                             headers: { Accept: "application/json" } })
          .then(function (response) {
            if (!response.ok) {
              throw new Error("HTTP " + response.status);
            }
            return response.json();
          })
          .then(function (data) {
            if (done) {
              return;
            }
            var code = take(data.messages || []);
            if (code) {
              offer(code);
              return;
            }
            bar.say(data.phone ? "Waiting for an SMS to " + data.phone + "\u2026"
                               : "No code was requested in this browser session.");
            timer = setTimeout(poll, POLL_MS);
          })
          .catch(function (error) {
            if (!done) {
              bar.say("The dev SMS inbox did not answer (" + error.message + "); trying again.");
              timer = setTimeout(poll, POLL_MS);
            }
          });
      }

      if (signal && signal.aborted) {
        done = true;
        reject(new DOMException("The request was aborted.", "AbortError"));
        return;
      }
      if (signal) {
        signal.addEventListener("abort", onAbort);
      }
      bar.say("Waiting for an SMS\u2026");
      poll();
    });
  }

  if (!("OTPCredential" in window)) {
    window.OTPCredential = function OTPCredential() {
      throw new TypeError("Illegal constructor");
    };
  }
  var container = navigator.credentials;
  if (!container) {  // not a secure context (http on a LAN address): give the page one anyway
    container = {};
    Object.defineProperty(navigator, "credentials", { value: container, configurable: true });
  }
  var original = typeof container.get === "function" ? container.get.bind(container) : null;
  container.get = function (options) {
    if (options && options.otp) {
      return request(options.signal);
    }
    if (original) {
      return original(options);
    }
    return Promise.reject(new DOMException("Not supported.", "NotSupportedError"));
  };
})();
