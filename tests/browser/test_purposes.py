"""Each purpose clicked through in a real Chromium: two-step sign-in, phone change, a payment."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from django_webotp.models import Challenge, PhoneIdentity, Purpose
from django_webotp.sms_format import parse_origin_bound_message
from django_webotp.testing import last_code, last_message
from tests.support.codes import wrong_code
from tests.support.users import PASSWORD, make_user

from .support import PHONE_VIEWPORT, screenshot, start_sign_in
from .test_pages import serious_violations
from .test_signin import RECORDER

pytestmark = pytest.mark.browser

PHONE = "+447400123456"
NEW_PHONE = "+447400111222"
NEW_SHOWN = "07400 111222"  # NEW_PHONE as the pages write it


@pytest.fixture
def alice(transactional_db):
    user = make_user("alice", password=PASSWORD)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE)
    return user


@pytest.fixture
def remember_a_week(settings):
    settings.WEBOTP_TWO_FACTOR_REMEMBER_DAYS = 7


def password_sign_in(page, next_url: str = "/protected/") -> None:
    page.goto(f"{reverse('password_login')}?next={next_url}")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def settle_web_otp(page, phone: str) -> str:
    """Answer the page's pending Web OTP request with the code of the SMS the server sent."""
    page.wait_for_function("window.webotpTest.pending.length === 1")
    bound = parse_origin_bound_message(last_message(phone).body)
    assert bound is not None and bound.host == "localhost"
    page.evaluate("code => window.webotpTest.pending[0].resolve({ type: 'otp', code })", bound.code)
    return bound.code


def test_two_step_sign_in_after_a_password(new_page, alice):
    page = new_page(init_script=RECORDER)
    password_sign_in(page)

    # The protected page sent the person to the second step, which shows no full number.
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    expect(page.get_by_text("your phone number ending in 56")).to_be_visible()
    assert PHONE not in page.content()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Text me a code").click()

    expect(page.get_by_label("Code from the SMS")).to_be_focused()
    assert serious_violations(page) == []
    screenshot(page, "7-two-factor-code-page")
    settle_web_otp(page, PHONE)  # Web OTP fills the code in and the form sends itself

    expect(page.locator("#protected")).to_contain_text("Only a fully signed-in session sees this")
    assert page.url.endswith("/protected/")
    assert Challenge.objects.get(purpose=Purpose.TWO_FACTOR).consumed_at is not None


def test_a_typed_wrong_code_then_the_right_one(page, alice):
    password_sign_in(page)
    page.get_by_role("button", name="Text me a code").click()
    code = last_code(PHONE)
    field = page.get_by_label("Code from the SMS")
    field.fill(wrong_code(code))
    page.get_by_role("button", name="Verify").click()
    field = page.get_by_label("Code from the SMS")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("You have 4 attempts left.")).to_be_visible()
    field.fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#protected")).to_be_visible()


@pytest.mark.usefixtures("remember_a_week")
def test_remember_this_device(page, alice):
    password_sign_in(page)
    page.get_by_role("button", name="Text me a code").click()
    page.get_by_label("Code from the SMS").fill(last_code(PHONE))
    page.get_by_label("Don't ask again on this device for 7 days").check()
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#protected")).to_be_visible()

    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signed-out")).to_be_visible()
    password_sign_in(page)
    expect(page.locator("#protected")).to_be_visible()  # no code asked this time
    assert Challenge.objects.filter(purpose=Purpose.TWO_FACTOR).count() == 1


def test_giving_up_the_second_step_signs_out(page, alice):
    password_sign_in(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    expect(page.locator("#signed-out")).to_be_visible()


def test_changing_the_phone_number(new_page, alice):
    alice.phone_identities.update(can_sign_in=True)  # her number signs in on its own here
    page = new_page(init_script=RECORDER, viewport=PHONE_VIEWPORT)
    start_sign_in(page, PHONE)  # a phone sign-in has proved the phone already
    settle_web_otp(page, PHONE)
    expect(page.locator("#signed-in-as")).to_be_visible()

    page.goto(reverse("account"))
    page.get_by_role("link", name="Change your phone number").click()
    expect(page.get_by_role("heading", name="Change your phone number")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("New phone number").fill("07400 111222")
    page.get_by_role("button", name="Send me a code").click()

    expect(page.get_by_text(f"We sent a code by SMS to {NEW_SHOWN}.")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "8-phone-change-code-page")
    settle_web_otp(page, NEW_PHONE)

    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_text(f"Your phone number is now {NEW_SHOWN}.")).to_be_visible()
    expect(page.get_by_role("listitem").first).to_contain_text(NEW_SHOWN)
    assert "was changed to a number ending in 22" in last_message(PHONE).body


def test_confirming_a_payment(new_page, alice):
    alice.phone_identities.update(can_sign_in=True)  # her number signs in on its own here
    page = new_page(init_script=RECORDER)
    start_sign_in(page, PHONE)
    settle_web_otp(page, PHONE)
    expect(page.locator("#signed-in-as")).to_be_visible()

    page.goto("/pay/")
    page.get_by_label("€45.50").check()
    page.get_by_role("button", name="Pay").click()

    expect(
        page.get_by_text("You are about to confirm: payment of €45.50 to Acme Coffee.")
    ).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "9-confirm-payment")
    assert last_message(PHONE).body.startswith(
        "Confirm payment of €45.50 to Acme Coffee on Example: "
    )
    settle_web_otp(page, PHONE)

    expect(page.locator("#paid")).to_have_text("Paid €45.50 to Acme Coffee.")
    assert Challenge.objects.get(purpose=Purpose.CONFIRM).consumed_at is not None
