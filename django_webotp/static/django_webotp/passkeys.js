/*! django-webotp: passkeys on the HTML pages, with the WebAuthn API.
 *
 * Progressive enhancement only: without this file, or without WebAuthn, the pages stay the SMS
 * flow they are. No dependencies, no inline script.
 * - Runs on elements marked [data-webotp-passkey="sign-in"] or [data-webotp-passkey="register"],
 *   which carry the ceremony's URLs (data-options-url, data-answer-url), data-next and
 *   data-csrf-token. They are hidden until this script finds WebAuthn.
 * - Sign-in: the button asks for any passkey of this site; on load, when the browser offers
 *   conditional mediation, a passkey is also offered in the phone field's autofill
 *   (autocomplete="tel webauthn"). An answer is posted, and the page goes to its redirect.
 * - Register: the button creates a passkey for the signed-in account, then goes to data-next.
 * - Binary members go between base64url and ArrayBuffer here, not with the newer
 *   parse*OptionsFromJSON helpers, which not every browser has.
 * - A refusal shows the server's sentence in the element's aria-live status.
 */
(function () {
  "use strict";

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBuffers(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      var copy = Object.assign({}, descriptor);
      copy.id = toBuffer(descriptor.id);
      return copy;
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBuffer(json.user.id) });
    options.excludeCredentials = withBuffers(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.allowCredentials = withBuffers(json.allowCredentials);
    return options;
  }

  function answer(credential) {
    var response = credential.response;
    var data = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      data.response.attestationObject = toText(response.attestationObject);
      if (typeof response.getTransports === "function") {
        data.response.transports = response.getTransports();
      }
    } else {
      data.response.authenticatorData = toText(response.authenticatorData);
      data.response.signature = toText(response.signature);
      data.response.userHandle = toText(response.userHandle);
    }
    return data;
  }

  function csrfToken(box) {
    var token = box.getAttribute("data-csrf-token");
    if (token) {
      return token;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(box, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(box)
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.message || box.getAttribute("data-failed") || "");
        }
        return data;
      });
    });
  }

  function say(box, message) {
    var status = box.querySelector("[data-webotp-passkey-status]");
    if (status) {
      status.textContent = message;
    }
  }

  function quietly(error) {
    // The person closed the browser's dialog, or another request replaced this one.
    return error && (error.name === "NotAllowedError" || error.name === "AbortError");
  }

  function signIn(box, publicKey, extra) {
    var request = Object.assign({ publicKey: requestOptions(publicKey) }, extra || {});
    return navigator.credentials.get(request).then(function (credential) {
      var body = { credential: answer(credential), next: box.getAttribute("data-next") || "" };
      return post(box, box.getAttribute("data-answer-url"), body);
    }).then(function (data) {
      window.location.assign(data.redirect);
    });
  }

  function setUpSignIn(box, button) {
    var optionsUrl = box.getAttribute("data-options-url");
    var autofill = null;

    function fail(error) {
      if (!quietly(error)) {
        say(box, error.message);
      }
    }

    button.addEventListener("click", function () {
      if (autofill) {
        autofill.abort(); // one WebAuthn request at a time
        autofill = null;
      }
      say(box, "");
      post(box, optionsUrl, {}).then(function (data) {
        return signIn(box, data.publicKey);
      }).catch(fail);
    });

    var conditional = window.PublicKeyCredential.isConditionalMediationAvailable;
    if (typeof conditional !== "function") {
      return;
    }
    conditional.call(window.PublicKeyCredential).then(function (available) {
      if (!available) {
        return;
      }
      return post(box, optionsUrl, {}).then(function (data) {
        autofill = new AbortController();
        return signIn(box, data.publicKey, { mediation: "conditional", signal: autofill.signal });
      });
    }).catch(fail);
  }

  function setUpRegister(box, button) {
    button.addEventListener("click", function () {
      button.disabled = true;
      say(box, "");
      post(box, box.getAttribute("data-options-url"), {}).then(function (data) {
        return navigator.credentials.create({ publicKey: creationOptions(data.publicKey) });
      }).then(function (credential) {
        return post(box, box.getAttribute("data-answer-url"), { credential: answer(credential) });
      }).then(function () {
        window.location.assign(box.getAttribute("data-next") || window.location.href);
      }).catch(function (error) {
        button.disabled = false;
        if (!quietly(error)) {
          say(box, error.message);
        }
      });
    });
  }

  function start() {
    if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) {
      return; // no WebAuthn: the SMS flow, as without this script
    }
    var boxes = document.querySelectorAll("[data-webotp-passkey]");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var button = box.querySelector("[data-webotp-passkey-start]");
      if (!button) {
        continue;
      }
      if (box.getAttribute("data-webotp-passkey") === "register") {
        setUpRegister(box, button);
      } else {
        setUpSignIn(box, button);
      }
      box.hidden = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
