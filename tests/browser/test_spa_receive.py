"""djangoWebOTP.receive(): the call webotp.js offers to pages that submit codes themselves."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A stand-in for Chrome's Web OTP: get() waits until the test settles it, and records aborts.
FAKE_WEB_OTP = """
window.OTPCredential = window.OTPCredential || function () {};
window.__otp = {calls: 0, aborted: 0};
navigator.credentials.get = function (options) {
  window.__otp.calls += 1;
  return new Promise(function (resolve, reject) {
    window.__otp.resolve = resolve;
    options.signal.addEventListener("abort", function () {
      window.__otp.aborted += 1;
      reject(new DOMException("aborted", "AbortError"));
    });
  });
};
"""


def open_page(new_page, init_script=None):
    page = new_page(init_script=init_script)
    page.goto("/")  # the site's origin, then the script as an app would load it
    page.add_script_tag(url="/static/django_webotp/webotp.js")
    return page


def test_receive_resolves_with_the_code(new_page):
    page = open_page(new_page, FAKE_WEB_OTP)
    page.evaluate("() => { window.__result = djangoWebOTP.receive(); }")
    page.wait_for_function("window.__otp.calls === 1")
    page.evaluate("window.__otp.resolve({type: 'otp', code: '424242'})")
    assert page.evaluate("window.__result") == "424242"
    assert page.evaluate("Object.isFrozen(window.djangoWebOTP)") is True


def test_receive_aborts_a_pending_request_and_resolves_null(new_page):
    page = open_page(new_page, FAKE_WEB_OTP)
    page.evaluate(
        "() => { window.__ctl = new AbortController();"
        " window.__result = djangoWebOTP.receive({signal: window.__ctl.signal}); }"
    )
    page.wait_for_function("window.__otp.calls === 1")
    page.evaluate("window.__ctl.abort(); window.__ctl.abort()")
    assert page.evaluate("window.__result") is None
    assert page.evaluate("window.__otp.aborted") == 1


def test_receive_without_web_otp_resolves_null_at_once(new_page):
    page = open_page(new_page, "delete window.OTPCredential;")
    assert page.evaluate("djangoWebOTP.receive()") is None


def test_receive_with_an_aborted_signal_never_asks(new_page):
    page = open_page(new_page, FAKE_WEB_OTP)
    result = page.evaluate(
        "(() => { const c = new AbortController(); c.abort();"
        " return djangoWebOTP.receive({signal: c.signal}); })()"
    )
    assert result is None
    assert page.evaluate("window.__otp.calls") == 0
