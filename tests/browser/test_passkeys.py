"""Passkeys in a real Chromium, with its virtual authenticator (CDP's WebAuthn domain): the offer
after an SMS sign-in, signing in again with no SMS, another browser falling back to SMS, the
manage page, "Not now", axe, the docs' screenshots, and the SMS a passkey saves."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from django_webotp import sms
from django_webotp.models import Passkey
from django_webotp.testing import last_code

from .support import LOG_JS, screenshot, serious_violations, session_log, start_sign_in

pytestmark = pytest.mark.browser

PHONE = "+447911123456"
SHOWN = "07911 123456"
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


# A browser without passkey autofill (conditional mediation): the button is the way in.
NO_AUTOFILL = "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"
# Logs the mediation of each navigator.credentials.get() to sessionStorage (see session_log).
RECORD_GETS = (
    LOG_JS
    + """
const realGet = navigator.credentials.get.bind(navigator.credentials);
navigator.credentials.get = (options) => {
  webotpTestLog({ mediation: options.mediation || "optional" });
  return realGet(options);
};
"""
)


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "localhost"  # the live server's host


def with_authenticator(page):
    """Give the page's browser a platform authenticator that says yes by itself."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return cdp, found["authenticatorId"]


def credentials(cdp, authenticator_id) -> list:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def sms_sign_in(page):
    start_sign_in(page, PHONE)
    page.get_by_label("Code from the SMS").fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signed-out")).to_be_visible()


def add_passkey_from_the_offer(page):
    expect(
        page.get_by_role("heading", name="Sign in faster next time with a passkey")
    ).to_be_visible()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")


def sign_in_with_the_button(page):
    page.goto(reverse("webotp:login"))
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")


def test_sms_once_then_a_passkey_signs_in_with_no_sms(new_page):
    page = new_page(init_script=NO_AUTOFILL)
    cdp, authenticator = with_authenticator(page)
    sms_sign_in(page)
    assert reverse("webotp:passkey_offer") in page.url
    add_passkey_from_the_offer(page)
    assert len(credentials(cdp, authenticator)) == 1
    passkey = Passkey.objects.get()
    assert passkey.user.get_username() == PHONE
    assert len(sms.outbox) == 1

    sign_out(page)
    sign_in_with_the_button(page)
    assert len(sms.outbox) == 1  # no SMS for the second sign-in
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


def test_the_phone_field_s_autofill_signs_in_with_the_passkey(new_page):
    """Conditional mediation: on load the page asks for a passkey with mediation
    "conditional", offered in the phone field's autofill. Chromium's virtual authenticator
    answers that request itself (automaticPresenceSimulation), as a person choosing the
    passkey from the autofill list would: the page signs in without a click or an SMS."""
    page = new_page(init_script=RECORD_GETS)
    with_authenticator(page)
    sms_sign_in(page)
    add_passkey_from_the_offer(page)
    sign_out(page)
    page.evaluate("sessionStorage.clear()")  # the log of the first sign-in's pages
    page.goto(reverse("webotp:login"))
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert session_log(page) == [{"mediation": "conditional"}]
    assert len(sms.outbox) == 1


def test_a_visitor_whose_page_asks_for_a_passkey_gets_no_session(new_page, settings):
    """The page asks for sign-in options as it loads (autofill): the challenge waits in the
    pending cookie, so a visitor who only looks costs no session row."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    page = new_page()
    with_authenticator(page)
    with page.expect_response(lambda response: "/sign-in/options/" in response.url) as asked:
        page.goto(reverse("webotp:login"))
    assert asked.value.status == 200
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert settings.SESSION_COOKIE_NAME not in names
    assert "webotp_pending" in names
    assert not Session.objects.exists()


def test_the_phone_field_offers_passkeys_in_its_autofill(page):
    page.goto(reverse("webotp:login"))
    expect(page.get_by_label("Phone number")).to_have_attribute("autocomplete", "tel webauthn")


def test_a_browser_without_the_passkey_falls_back_to_sms(new_page):
    first = new_page()
    with_authenticator(first)
    sms_sign_in(first)
    add_passkey_from_the_offer(first)

    other = new_page()  # another browser, with an authenticator that holds no passkey
    with_authenticator(other)
    other.goto(reverse("webotp:login"))
    expect(other.get_by_role("button", name="Use a passkey")).to_be_visible()
    sms_sign_in(other)  # the SMS flow, as before passkeys
    expect(other.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert len(sms.outbox) == 2


def test_a_browser_without_webauthn_sees_no_passkey_button(new_page):
    page = new_page(init_script="delete window.PublicKeyCredential;")
    page.goto(reverse("webotp:login"))
    expect(page.get_by_role("button", name="Send me a code")).to_be_visible()
    expect(page.get_by_role("button", name="Use a passkey")).to_be_hidden()


def test_not_now_goes_on_and_the_next_sign_in_is_not_offered_a_passkey(new_page):
    page = new_page()
    with_authenticator(page)
    sms_sign_in(page)
    page.get_by_role("button", name="Not now").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    sign_out(page)
    sms_sign_in(page)
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    assert reverse("webotp:passkey_offer") not in page.url
    assert not Passkey.objects.exists()


def test_the_manage_page_adds_renames_and_removes_with_a_warning_for_the_last(new_page):
    page = new_page()
    cdp, authenticator = with_authenticator(page)
    sms_sign_in(page)
    add_passkey_from_the_offer(page)
    page.goto(reverse("webotp:passkeys"))
    page.get_by_role("button", name="Add a passkey").click()  # the same authenticator again
    expect(page.locator("[data-webotp-passkey-status]")).not_to_be_empty()
    assert Passkey.objects.count() == 1

    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator})
    with_authenticator(page)  # another device
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("button", name="Rename")).to_have_count(2)
    assert Passkey.objects.count() == 2

    first, second = Passkey.objects.order_by("created_at")
    page.locator(f"#passkey-name-{first.pk}").fill("Work laptop")
    page.get_by_role("button", name="Rename").first.click()
    expect(page.get_by_role("heading", name="Work laptop")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "passkey-manage")

    page.get_by_role("button", name="Remove Work laptop").click()
    expect(page.get_by_text("The passkey is removed.")).to_be_visible()
    page.get_by_role("button", name="Remove Passkey").click()
    expect(page.get_by_role("heading", name="Remove your last passkey?")).to_be_visible()
    expect(page.get_by_text("you sign in with a code sent by text message")).to_be_visible()
    page.get_by_role("button", name="Remove the passkey").click()
    expect(page.get_by_text("You have no passkeys")).to_be_visible()
    assert not Passkey.objects.exists()


def test_the_offer_page_passes_axe_and_is_photographed(new_page):
    page = new_page()
    with_authenticator(page)
    sms_sign_in(page)
    expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "passkey-offer")


def test_five_sign_ins_cost_five_sms_without_a_passkey_and_one_with(new_page, settings):
    def five_sign_ins(add_passkey: bool) -> int:
        page = new_page(init_script=NO_AUTOFILL)
        with_authenticator(page)
        sent = len(sms.outbox)
        sms_sign_in(page)
        if add_passkey:
            add_passkey_from_the_offer(page)
        else:
            page.get_by_role("button", name="Not now").click()
        for _ in range(4):
            sign_out(page)
            if add_passkey:
                sign_in_with_the_button(page)
            else:
                sms_sign_in(page)
                expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
        return len(sms.outbox) - sent

    settings.WEBOTP_RESEND_COOLDOWN = 0
    settings.WEBOTP_RATELIMIT_PHONE = "50/h"  # the same person signing in ten times
    without = five_sign_ins(add_passkey=False)
    Passkey.objects.all().delete()
    with_passkey = five_sign_ins(add_passkey=True)
    print(f"\nSMS sent for five sign-ins: {without} without passkeys, {with_passkey} with one")
    assert (without, with_passkey) == (5, 1)


def test_recovery_mode_a_lost_passkey_and_the_sms_that_brings_a_new_one(new_page, settings):
    """WEBOTP_PASSKEY_SMS = "recovery": the phone that lost its passkey signs in by SMS as a
    recovery, is offered a new passkey although the account has one, adds it, and the new
    device then signs in with no SMS."""
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    first = new_page()
    with_authenticator(first)
    sms_sign_in(first)
    add_passkey_from_the_offer(first)

    lost = new_page(init_script=NO_AUTOFILL)  # a new phone: its authenticator holds nothing
    with_authenticator(lost)
    sms_sign_in(lost)
    assert reverse("webotp:passkey_offer") in lost.url  # offered though the account has one
    add_passkey_from_the_offer(lost)
    assert Passkey.objects.count() == 2
    sign_out(lost)
    sent = len(sms.outbox)
    sign_in_with_the_button(lost)
    assert len(sms.outbox) == sent
