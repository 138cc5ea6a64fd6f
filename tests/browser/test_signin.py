"""The sign-in flow in a real Chromium: Web OTP, typing, no Web OTP, no JavaScript, refusals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from django_webotp.models import Challenge, PhoneIdentity
from django_webotp.sms_format import parse_origin_bound_message
from django_webotp.testing import last_code, last_message
from tests.support.codes import wrong_code

from .support import LOG_JS, session_log, start_sign_in

pytestmark = pytest.mark.browser

PHONE = "+447911123456"
SHOWN = "07911 123456"  # PHONE as the pages write it

# Stands in for Chrome's Web OTP: navigator.credentials.get() returns a promise that the test
# settles (window.webotpTest.pending), and logs the call and any abort to sessionStorage.
RECORDER = (
    LOG_JS
    + """
window.OTPCredential = window.OTPCredential || function OTPCredential() {};
window.webotpTest = { pending: [] };
navigator.credentials.get = function (options) {
  return new Promise((resolve, reject) => {
    window.webotpTest.pending.push({ resolve, reject });
    const otp = options && options.otp;
    webotpTestLog({ event: 'get', transport: otp ? otp.transport : null,
                    signal: !!(options && options.signal) });
    if (options && options.signal) {
      options.signal.addEventListener('abort', () => {
        webotpTestLog({ event: 'abort', aborted: options.signal.aborted });
        reject(new DOMException('aborted', 'AbortError'));
      });
    }
  });
};
"""
)

# A browser without Web OTP (Safari, Firefox): no OTPCredential. Logs any call of get().
NO_WEB_OTP = (
    LOG_JS
    + """
delete window.OTPCredential;
const realGet = navigator.credentials.get.bind(navigator.credentials);
navigator.credentials.get = (options) => {
  webotpTestLog({ event: 'get' });
  return realGet(options);
};
"""
)


def code_field(page):
    return page.get_by_label("Code from the SMS")


def error_of(page, field):
    """The error text tied to ``field`` by aria-describedby (what a screen reader reads)."""
    described_by = field.get_attribute("aria-describedby")
    assert described_by, "the field has no aria-describedby"
    return page.locator(f"#{described_by}").inner_text()


def test_web_otp_fills_the_code_and_signs_in_by_itself(new_page, verify_posts):
    page = new_page(init_script=RECORDER)
    posts = verify_posts(page)
    start_sign_in(page, PHONE)
    page.wait_for_function("window.webotpTest.pending.length === 1")
    assert session_log(page) == [{"event": "get", "transport": ["sms"], "signal": True}]

    # The real SMS the server sent, read the way the browser reads it.
    bound = parse_origin_bound_message(last_message(PHONE).body)
    assert bound.host == "localhost"  # the live server's host, without its port
    page.evaluate("code => window.webotpTest.pending[0].resolve({ type: 'otp', code })", bound.code)

    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert page.url.endswith("/")
    assert len(posts) == 1 and f"code={bound.code}" in posts[0]  # the field held the code
    assert Challenge.objects.get().consumed_at is not None
    assert PhoneIdentity.objects.filter(phone_number=PHONE).count() == 1


def test_typing_the_code_aborts_web_otp_and_signs_in_once(new_page, verify_posts):
    page = new_page(init_script=RECORDER)
    posts = verify_posts(page)
    start_sign_in(page, PHONE)
    page.wait_for_function("window.webotpTest.pending.length === 1")

    code_field(page).fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").dblclick()  # an impatient double click

    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert session_log(page) == [
        {"event": "get", "transport": ["sms"], "signal": True},
        {"event": "abort", "aborted": True},
    ]
    assert len(posts) == 1
    assert Challenge.objects.get().attempts == 1


def test_a_browser_without_web_otp_gets_the_plain_form(new_page):
    page = new_page(init_script=NO_WEB_OTP)
    start_sign_in(page, PHONE)
    assert page.evaluate("'OTPCredential' in window") is False
    field = code_field(page)
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")

    field.fill(last_code(PHONE))
    field.press("Enter")

    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert session_log(page) == []  # webotp.js never asked for a code


def test_the_whole_flow_works_without_javascript(new_page):
    page = new_page(javascript=False)
    page.goto("/account/")  # a page that needs signing in
    expect(page.get_by_role("heading", name="Sign in with your phone")).to_be_visible()
    page.get_by_label("Phone number").fill("07911 123456")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text(f"We sent a code by SMS to {SHOWN}.")).to_be_visible()

    code_field(page).fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert page.url.endswith("/account/")  # back where the person was going
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")


def test_a_wrong_code_says_how_many_attempts_are_left(page):
    start_sign_in(page, PHONE)
    wrong = wrong_code(last_code(PHONE))
    code_field(page).fill(wrong)
    page.get_by_role("button", name="Sign in").click()

    field = code_field(page)
    expect(field).to_have_attribute("aria-invalid", "true")
    assert error_of(page, field) == "That code is not right. You have 4 attempts left."
    expect(field).to_be_focused()


def test_an_expired_code_asks_for_a_new_one(page):
    start_sign_in(page, PHONE)
    Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    code_field(page).fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text("This code has expired. Request a new code.")
    expect(code_field(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Send a new code")).to_be_visible()
    expect(page.locator("#signed-in-as")).to_have_count(0)


def test_a_locked_challenge_takes_no_more_codes_and_offers_a_new_one(page):
    start_sign_in(page, PHONE)
    challenge = Challenge.objects.get()
    Challenge.objects.update(attempts=challenge.max_attempts - 1)
    wrong = wrong_code(last_code(PHONE))
    code_field(page).fill(wrong)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Too many wrong codes. Request a new code.")
    expect(code_field(page)).to_have_count(0)  # not even the right code can be typed now
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(page.get_by_role("button", name="Send a new code")).to_be_visible()


def test_resending_too_soon_without_javascript_says_when_and_leads_back(new_page):
    page = new_page(javascript=False)
    start_sign_in(page, PHONE)
    expect(page.get_by_text("(available in")).to_be_visible()
    page.get_by_role("button", name="Send a new code").click()  # enabled: only script disables it
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"^You can ask for a new code in [0-9]+ seconds?\.$")
    )
    expect(page.get_by_role("link", name="Use a different number")).to_be_visible()
    page.get_by_role("link", name="Enter the code you received").click()
    code_field(page).fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")


def test_resend_sends_a_new_code_and_the_old_one_stops_working(page):
    page.clock.install()
    start_sign_in(page, PHONE)
    old_code = last_code(PHONE)
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    page.clock.run_for(30_000)  # the button's cooldown, on the page's clock

    page.get_by_role("button", name="Send a new code").click()
    expect(page.get_by_role("status")).to_have_text("We sent a new code.")
    new_code = last_code(PHONE)

    if new_code != old_code:  # one in a million: the two codes are the same digits
        code_field(page).fill(old_code)
        page.get_by_role("button", name="Sign in").click()
        # This browser now waits for the new code: the old one is named as such, and is free.
        assert error_of(page, code_field(page)) == (
            "A newer code was sent to you; use the latest one."
        )
    code_field(page).fill(new_code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")


def test_what_headless_chromium_exposes(page):
    """Recorded for the docs: desktop headless Chromium has OTPCredential, and get() waits.

    There is no phone to receive an SMS, so the request stays pending (here for 1.5 s, the
    timeout of this probe) until the page aborts it. If a Chromium update changes this, update
    docs/tutorial/without-a-phone.md ("What headless Chromium exposes") with what this test then
    finds.
    """
    page.goto(reverse("webotp:login"))
    found = page.evaluate(
        """async () => {
          const controller = new AbortController();
          const request = navigator.credentials.get(
            { otp: { transport: ['sms'] }, signal: controller.signal });
          const outcome = (promise) => promise.then(
            (value) => 'resolved ' + JSON.stringify(value), (error) => 'rejected ' + error.name);
          const timeout = new Promise((resolve) => setTimeout(() => resolve('pending'), 1500));
          const first = await Promise.race([outcome(request), timeout]);
          controller.abort();
          return {
            hasOTPCredential: 'OTPCredential' in window,
            secureContext: window.isSecureContext,
            first,
            afterAbort: await outcome(request),
          };
        }"""
    )
    assert found == {
        "hasOTPCredential": True,
        "secureContext": True,
        "first": "pending",
        "afterAbort": "rejected AbortError",
    }
    print(f"\nheadless Chromium {page.context.browser.version}: {found}")
