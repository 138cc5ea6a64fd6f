"""The resend button's countdown (webotp.js) in a real Chromium, on a clock the test moves.

Playwright's ``page.clock`` replaces the page's timers and Date: the countdown is run forward,
never waited for. The server's clock is moved by ageing the challenge in the database.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from django_webotp.models import Challenge
from django_webotp.testing import last_code
from tests.support.codes import wrong_code

from .support import start_sign_in

pytestmark = pytest.mark.browser

PHONE = "+447911123456"
WAIT = re.compile(r"^\(available in ([0-9]+) seconds?\)$")


def seconds_shown(page) -> int:
    text = page.locator("#webotp-resend-wait").inner_text()
    found = WAIT.match(text)
    assert found, text
    return int(found.group(1))


def resend_button(page):
    return page.get_by_role("button", name="Send a new code")


def test_the_button_waits_out_the_cooldown_counting_down_then_works(page):
    page.clock.install()
    start_sign_in(page, PHONE)
    button = resend_button(page)
    expect(button).to_be_disabled()
    first = seconds_shown(page)
    assert 28 <= first <= 30
    # The hint is the button's description, not a live region: it is not read every second.
    expect(button).to_have_attribute("aria-describedby", "webotp-resend-wait")
    assert page.locator("#webotp-resend-wait").get_attribute("aria-live") is None
    announce = page.locator("[data-webotp-announce]")
    expect(announce).to_have_text("")

    page.clock.run_for(10_000)
    assert seconds_shown(page) == first - 10
    expect(button).to_be_disabled()

    page.clock.run_for((first - 11) * 1000)
    expect(page.locator("#webotp-resend-wait")).to_have_text("(available in 1 second)")
    expect(button).to_be_disabled()

    page.clock.run_for(1_000)
    expect(button).to_be_enabled()
    expect(page.locator("#webotp-resend-wait")).to_be_hidden()
    expect(announce).to_have_text("You can ask for a new code now.")

    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    button.click()
    expect(page.get_by_role("status")).to_have_text("We sent a new code.")


def test_without_the_cooldown_the_button_works_at_once(page, settings):
    settings.WEBOTP_RESEND_COOLDOWN = 0
    start_sign_in(page, PHONE)
    expect(resend_button(page)).to_be_enabled()
    expect(page.locator("#webotp-resend-wait")).to_have_count(0)


def test_a_locked_code_shows_no_field_and_its_new_code_waits_too(page):
    page.clock.install()
    start_sign_in(page, PHONE)
    Challenge.objects.update(attempts=Challenge.objects.get().max_attempts - 1)
    page.get_by_label("Code from the SMS").fill(wrong_code(last_code(PHONE)))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text("Too many wrong codes. Request a new code.")
    expect(page.locator('input[autocomplete="one-time-code"]')).to_have_count(0)
    button = resend_button(page)
    expect(button).to_be_disabled()
    page.clock.run_for(30_000)
    expect(button).to_be_enabled()

    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    button.click()
    expect(page.get_by_role("status")).to_have_text("We sent a new code.")
    expect(page.get_by_label("Code from the SMS")).to_be_visible()
