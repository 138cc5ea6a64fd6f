"""What the pages are like to use: axe-core, labels, focus, errors tied to fields; screenshots."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from django_webotp.models import Challenge
from django_webotp.testing import last_code
from tests.support.codes import wrong_code

from .support import (
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    screenshot,
    serious_violations,
    start_sign_in,
)

pytestmark = pytest.mark.browser

PHONE = "+447911123456"
SHOWN = "07911 123456"  # PHONE as the pages write it


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def described_error(page, field) -> str:
    """The text that aria-describedby ties to ``field``."""
    return page.locator(f"#{field.get_attribute('aria-describedby')}").inner_text()


def test_phone_page_is_accessible(page):
    page.goto(reverse("webotp:login"))
    field = page.get_by_label("Phone number")  # found through its <label>
    expect(field).to_have_attribute("type", "tel")
    assert focused_id(page) == "id_phone_number"
    assert described_error(page, field).startswith("Include the country code")
    assert serious_violations(page) == []

    field.fill("12")
    page.get_by_role("button", name="Send me a code").click()
    field = page.get_by_label("Phone number")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert described_error(page, field) == (
        "Enter a valid phone number, including the country code (for example +44)."
    )
    assert serious_violations(page) == []


def test_code_page_is_accessible(page):
    start_sign_in(page, PHONE)
    field = page.get_by_label("Code from the SMS")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    assert focused_id(page) == "id_code"
    assert serious_violations(page) == []

    field.fill("12")
    page.get_by_role("button", name="Sign in").click()
    field = page.get_by_label("Code from the SMS")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert described_error(page, field) == "The code has 6 digits."
    assert focused_id(page) == "id_code"
    assert serious_violations(page) == []


@pytest.mark.parametrize("viewport", [PHONE_VIEWPORT, DESKTOP_VIEWPORT], ids=["phone", "desktop"])
def test_screenshots_of_every_step(new_page, viewport):
    """The screenshots (test-artifacts/screenshots/, or docs/_static/screenshots/ from
    bash scripts/screenshots): the phone page, the code page with and without an error,
    and the signed-in page, at a phone-sized and a desktop viewport."""
    page = new_page(viewport=viewport)
    page.goto(reverse("webotp:login"))
    expect(page.get_by_role("heading", name="Sign in with your phone")).to_be_visible()
    screenshot(page, "1-phone-page")

    page.get_by_label("Phone number").fill(PHONE)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    screenshot(page, "2-code-page")

    page.get_by_label("Code from the SMS").fill("12345")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The code has 6 digits.")).to_be_visible()
    screenshot(page, "3-code-page-error")

    page.get_by_label("Code from the SMS").fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {SHOWN}.")
    path = screenshot(page, "4-signed-in")
    assert path.stat().st_size > 0


#: What webotp.css's colour variables give the code page's text, light and dark.
TEXT_COLOUR = {"light": "rgb(27, 27, 27)", "dark": "rgb(232, 234, 237)"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_state_of_the_code_step_is_accessible_in_light_and_dark(new_page, scheme):
    """axe-core (contrast included) on each page a sign-in can show, in the visitor's scheme:
    the phone page, the code page counting down, a wrong code, a locked code, a refused resend."""
    page = new_page(color_scheme=scheme)
    page.goto(reverse("webotp:login"))
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('main')).color")
        == (TEXT_COLOUR[scheme])
    )
    assert serious_violations(page) == []

    start_sign_in(page, PHONE)
    expect(page.get_by_role("button", name="Send a new code")).to_be_disabled()
    assert serious_violations(page) == []
    screenshot(page, f"5-code-page-countdown-{scheme}")

    Challenge.objects.update(attempts=Challenge.objects.get().max_attempts - 1)
    page.get_by_label("Code from the SMS").fill(wrong_code(last_code(PHONE)))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Too many wrong codes. Request a new code.")
    assert serious_violations(page) == []
    screenshot(page, f"6-code-page-locked-{scheme}")

    page.evaluate("document.querySelector('form.webotp-resend').submit()")  # as if without JS
    expect(page.get_by_role("link", name="Enter the code you received")).to_be_visible()
    assert serious_violations(page) == []
