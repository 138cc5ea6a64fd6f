/*! django-webotp for django-allauth: marks allauth's code form for webotp.js.
 *
 * allauth's code pages hold an input[autocomplete="one-time-code"] in a form webotp.js does
 * not know; this marks that form [data-webotp-form]. Loaded before webotp.js, both deferred
 * (django_webotp/allauth/code_head.html), so the mark is there when webotp.js looks.
 */
(function () {
  "use strict";
  var inputs = document.querySelectorAll('input[autocomplete="one-time-code"]');
  Array.prototype.forEach.call(inputs, function (input) {
    if (input.form) {
      input.form.setAttribute("data-webotp-form", "");
    }
  });
})();
