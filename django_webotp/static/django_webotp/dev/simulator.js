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
 * Its text comes translated from the server, as JSON in the data-strings attribute (%(name)s
 * placeholders), so that no inline script or JavaScript catalog is needed.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var messagesUrl = script && script.getAttribute("data-messages-url");
  if (!messagesUrl) {
    return;
  }
  var inboxUrl = script.getAttribute("data-inbox-url");
  var strings = {};
  try {
    strings = JSON.parse(script.getAttribute("data-strings") || "{}");
  } catch (error) {
    // Unreadable text: the bar shows its keys instead, and the simulator still works.
  }
  var POLL_MS = 1000;

  // The translated text for key, its %(name)s placeholders filled from params.
  function t(key, params) {
    var text = typeof strings[key] === "string" ? strings[key] : key;
    return text.replace(/%\((\w+)\)s/g, function (placeholder, name) {
      return params && name in params ? String(params[name]) : placeholder;
    });
  }

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
    bar.setAttribute("aria-label", t("region"));
    var title = element("p", "webotp-sim-title", t("title"));
    if (inboxUrl) {
      var link = element("a", "", t("inbox"));
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
    var allow = element("button", "webotp-sim-allow", t("allow"));
    var deny = element("button", "webotp-sim-deny", t("deny"));
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
        status.textContent = t("ask", { code: code });
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
      return t("not_bound", { line: message.last_line });
    }
    if (bound.host !== location.hostname) {
      return t("other_host", { bound: bound.host, host: location.hostname });
    }
    if (bound.embedded_host) {
      return t("iframe", { embedded: bound.embedded_host });
    }
    return "";
  }

  function portWarning() {
    if (!location.port) {
      return "";
    }
    return t("port", { port: location.port });
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
        bar.say(t("aborted"));
        reject(new DOMException("The request was aborted.", "AbortError"));
      }

      function offer(code) {
        bar.ask(code, portWarning(), function (allowed) {
          if (done) {
            return;
          }
          finish();
          if (allowed) {
            bar.say(t("given", { code: code }));
            resolve({ id: "", type: "otp", code: code });
          } else {
            bar.say(t("denied"));
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
          bar.note(t("ignored", { reason: reason }));
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
            bar.say(data.phone ? t("waiting_for", { phone: data.shown_as || data.phone }) : t("no_request"));
            timer = setTimeout(poll, POLL_MS);
          })
          .catch(function (error) {
            if (!done) {
              bar.say(t("no_answer", { error: error.message }));
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
      bar.say(t("waiting"));
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
