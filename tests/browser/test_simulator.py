"""The Web OTP simulator and the dev SMS inbox, in a real Chromium (DEBUG on, as in development)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from django_webotp import sms
from django_webotp.testing import last_code

from .support import LOG_JS, PHONE_VIEWPORT, screenshot, session_log, start_sign_in
from .test_pages import serious_violations

pytestmark = pytest.mark.browser

PHONE = "+447911123456"
SHOWN = "07911 123456"  # PHONE as the pages write it
TEST_NUMBER = "+15555550100"
TEST_CODE = "123456"

# Logs how each navigator.credentials.get() the page makes settles. The simulator installs its
# get() by assignment; this accessor wraps whatever is assigned.
OUTCOMES = (
    LOG_JS
    + """
let simulatedGet = null;
function loggedGet(options) {
  const request = simulatedGet.call(navigator.credentials, options);
  request.then(
    (credential) => webotpTestLog(
      { outcome: 'resolved', type: credential.type, code: credential.code }),
    (error) => webotpTestLog({ outcome: 'rejected', name: error.name }));
  return request;
}
Object.defineProperty(navigator.credentials, 'get', {
  configurable: true,
  get() { return simulatedGet ? loggedGet : CredentialsContainer.prototype.get; },
  set(value) { simulatedGet = value; },
});
"""
)


@pytest.fixture(autouse=True)
def simulator(settings):
    settings.DEBUG = True
    settings.WEBOTP_DEV_SIMULATOR = True
    settings.WEBOTP_TEST_NUMBERS = {TEST_NUMBER: TEST_CODE}


def simulator_bar(page):
    return page.get_by_role("region", name="Web OTP simulator")


def test_allow_signs_in_with_no_typing(new_page, verify_posts):
    page = new_page(init_script=OUTCOMES, viewport=PHONE_VIEWPORT)
    posts = verify_posts(page)
    start_sign_in(page, PHONE)
    code = last_code(PHONE)
    bar = simulator_bar(page)

    expect(bar.get_by_role("status")).to_have_text(f"Use code {code} from SMS?")
    # The live server has a port; real Chrome would not fill the code there, and the bar says so.
    expect(bar).to_contain_text("Real Chrome would not fill this code")
    screenshot(page, "5-simulator-consent")
    bar.get_by_role("button", name="Allow").click()

    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert len(posts) == 1 and f"code={code}" in posts[0]
    assert session_log(page) == [{"outcome": "resolved", "type": "otp", "code": code}]


def test_deny_rejects_and_leaves_the_field_usable(new_page):
    page = new_page(init_script=OUTCOMES)
    start_sign_in(page, PHONE)
    bar = simulator_bar(page)
    bar.get_by_role("button", name="Deny").click()

    expect(bar.get_by_role("status")).to_have_text(
        "Denied: the page got NotAllowedError. Type the code yourself."
    )
    expect(bar.get_by_role("button", name="Allow")).to_be_hidden()
    assert session_log(page) == [{"outcome": "rejected", "name": "NotAllowedError"}]
    field = page.get_by_label("Code from the SMS")
    expect(field).to_be_focused()
    expect(field).to_have_value("")

    page.keyboard.type(last_code(PHONE))
    page.keyboard.press("Enter")
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")


def test_typing_while_it_waits_aborts_it(new_page):
    page = new_page(init_script=OUTCOMES)
    start_sign_in(page, TEST_NUMBER)  # a fixed test number: no SMS is sent
    bar = simulator_bar(page)
    expect(bar.get_by_role("status")).to_have_text(f"Waiting for an SMS to {TEST_NUMBER}…")

    page.get_by_label("Code from the SMS").fill(TEST_CODE)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {TEST_NUMBER}.")
    assert session_log(page) == [{"outcome": "rejected", "name": "AbortError"}]
    assert sms.outbox == []


def test_a_malformed_or_foreign_sms_is_ignored_like_chrome_does(new_page, live_server):
    page = new_page(init_script=OUTCOMES)
    start_sign_in(page, TEST_NUMBER)
    bar = simulator_bar(page)
    expect(bar.get_by_role("status")).to_have_text(f"Waiting for an SMS to {TEST_NUMBER}…")
    port = live_server.url.rsplit(":", 1)[1]

    for body in (
        f"{TEST_CODE} is your code.\n\n@localhost:{port} #{TEST_CODE}",  # a port: not a host
        f"{TEST_CODE} is your code.\n\n@example.com #{TEST_CODE}",  # another site
        f"{TEST_CODE} is your code.\n\n@localhost #{TEST_CODE}\n",  # the last line is empty
    ):
        sms.outbox.append(sms.SmsMessage(to=TEST_NUMBER, body=body))

    ignored = bar.get_by_role("listitem")
    expect(ignored).to_have_text(
        [
            f"Ignored an SMS, as Chrome would: its last line “@localhost:{port} #{TEST_CODE}” "
            "is not “@host #code”.",
            "Ignored an SMS, as Chrome would: it is bound to example.com, and this page is on "
            "localhost.",
            "Ignored an SMS, as Chrome would: its last line “” is not “@host #code”.",
        ]
    )
    expect(bar.get_by_role("button", name="Allow")).to_be_hidden()
    expect(bar.get_by_role("status")).to_have_text(f"Waiting for an SMS to {TEST_NUMBER}…")
    field = page.get_by_label("Code from the SMS")
    expect(field).to_have_value("")
    assert session_log(page) == []  # the page's request is still pending

    # A well-formed SMS still gets through afterwards.
    sms.outbox.append(
        sms.SmsMessage(to=TEST_NUMBER, body=f"Code {TEST_CODE}\n\n@localhost #{TEST_CODE}")
    )
    expect(bar.get_by_role("status")).to_have_text(f"Use code {TEST_CODE} from SMS?")
    bar.get_by_role("button", name="Allow").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {TEST_NUMBER}.")


def test_a_spanish_browser_gets_the_simulator_in_spanish(new_page, live_server):
    """The bar's text comes translated from the server, placeholders filled in by the script."""
    page = new_page(init_script=OUTCOMES, locale="es-ES")
    page.goto(reverse("webotp:login"))
    page.get_by_label("Número de teléfono").fill(TEST_NUMBER)
    page.get_by_role("button", name="Envíame un código").click()
    bar = page.get_by_role("region", name="Simulador de Web OTP")
    expect(bar.get_by_role("status")).to_have_text(f"Esperando un SMS para {TEST_NUMBER}…")

    sms.outbox.append(
        sms.SmsMessage(to=TEST_NUMBER, body=f"Code {TEST_CODE}\n\n@example.com #{TEST_CODE}")
    )
    expect(bar.get_by_role("listitem")).to_have_text(
        "SMS ignorado, como haría Chrome: está vinculado a example.com, y esta página está en "
        "localhost."
    )
    sms.outbox.append(
        sms.SmsMessage(to=TEST_NUMBER, body=f"Code {TEST_CODE}\n\n@localhost #{TEST_CODE}")
    )
    expect(bar.get_by_role("status")).to_have_text(f"¿Usar el código {TEST_CODE} del SMS?")
    port = live_server.url.rsplit(":", 1)[1]
    expect(bar).to_contain_text(f"nunca completa una página cuya dirección tiene puerto (:{port})")
    bar.get_by_role("button", name="Permitir").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Sesión iniciada como {TEST_NUMBER}.")


def test_the_code_page_with_the_simulator_is_accessible(page):
    start_sign_in(page, PHONE)
    expect(simulator_bar(page).get_by_role("button", name="Allow")).to_be_visible()
    assert serious_violations(page) == []


def test_the_dev_inbox_shows_the_sms_and_what_a_browser_makes_of_it(new_page):
    page = new_page()
    start_sign_in(page, PHONE)
    code = last_code(PHONE)
    sms.outbox.append(sms.SmsMessage(to=PHONE, body=f"Code {code}\n\n@example.com #{code}"))

    page.goto(reverse("webotp_dev:inbox"))
    messages = page.get_by_role("listitem")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text("bound to example.com, but this page is on localhost")
    expect(messages.nth(1)).to_contain_text(f"Origin-bound line: host localhost, code {code}")
    expect(messages.nth(1)).not_to_contain_text("Warning")
    assert serious_violations(page) == []
    screenshot(page, "6-dev-inbox")
