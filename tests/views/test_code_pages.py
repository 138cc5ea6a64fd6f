"""What every code page (views.base) shows around its field: the resend button's wait, the
page a refused resend answers with, and a code that no longer works.

Each purpose with a code page is asked the same: sign-in, two-step verification, the code to a
new number, the code to the current one, and a confirmation.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from django_webotp import sms
from django_webotp.conf import webotp_settings
from django_webotp.testing import last_code
from tests.support.accounts import (
    NEW_PHONE,
    PHONE,
    PHONE_PAGE,
    PHONE_VERIFY,
    TWO_FACTOR,
    finish_two_factor,
    password_login,
    send_two_factor_code,
)
from tests.support.codes import wrong_code
from tests.support.signin import pending_state, start

pytestmark = pytest.mark.django_db

LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
RESEND = reverse("webotp:resend")
PHONE_CURRENT = reverse("webotp:phone_current")
PAY = "/pay/"
CODE_FIELD = 'autocomplete="one-time-code"'
LOCKED = "Too many wrong codes. Request a new code."
EXPIRED = "This code has expired. Request a new code."


@pytest.fixture
def clock(monkeypatch):
    """The clock, held still: ``clock.move(seconds)`` moves it on."""

    class Clock:
        now = timezone.now()

        def move(self, seconds: float) -> None:
            self.now += timedelta(seconds=seconds)

    held = Clock()
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


def countdown(page: str) -> dict[str, str]:
    """The resend hint's data attributes (the script's input) and its text; {} without one."""
    found = re.search(
        r'<span class="webotp-help" id="webotp-resend-wait"([^>]*)>([^<]*)</span>', page
    )
    if found is None:
        return {}
    data = dict(re.findall(r'data-webotp-(\w+)="([^"]*)"', found.group(1)))
    return {**{k: html.unescape(v) for k, v in data.items()}, "text": found.group(2)}


def resend_button(page: str) -> str:
    found = re.search(r"<button[^>]*>Send a new code</button>", page)
    assert found, "no resend button"
    return found.group(0)


# --- each purpose's code page and how it resends --------------------------------------------


class SignIn:
    page = VERIFY
    resend_to, resend_data = RESEND, {}
    start_url = LOGIN

    def begin(self, client):
        start(client, PHONE)

    def post_code(self, client, code):
        return client.post(VERIFY, {"code": code})


class TwoFactor:
    page = TWO_FACTOR
    resend_to, resend_data = TWO_FACTOR, {"step": "resend"}
    start_url = ""

    def begin(self, client):
        password_login(client)
        send_two_factor_code(client, next_url="")

    def post_code(self, client, code):
        return client.post(TWO_FACTOR, {"code": code})


class NewNumber:
    page = PHONE_VERIFY
    resend_to, resend_data = PHONE_VERIFY, {"step": "resend"}
    start_url = PHONE_PAGE

    def begin(self, client):
        finish_two_factor(client)
        client.post(PHONE_PAGE, {"phone_number": NEW_PHONE})

    def post_code(self, client, code):
        return client.post(PHONE_VERIFY, {"code": code})


class CurrentNumber:
    page = PHONE_CURRENT
    resend_to, resend_data = PHONE_CURRENT, {"step": "resend"}
    start_url = ""

    def begin(self, client):
        finish_two_factor(client)
        client.post(PHONE_CURRENT, {"step": "send"})

    def post_code(self, client, code):
        return client.post(PHONE_CURRENT, {"code": code})


PURPOSES = [SignIn, TwoFactor, NewNumber, CurrentNumber]


@pytest.fixture(params=PURPOSES, ids=lambda p: p.__name__)
def purpose(request, alice, clock):
    return request.param()


def test_during_the_cooldown_the_button_carries_its_wait_for_the_script(client, purpose, clock):
    purpose.begin(client)
    clock.move(12.5)
    page = client.get(purpose.page).content.decode()
    assert countdown(page) == {
        "countdown": "18",
        "one": "(available in {n} second)",
        "other": "(available in {n} seconds)",
        "ready": "You can ask for a new code now.",
        "text": "(available in 18 seconds)",
    }
    # Enabled as rendered: only the script disables it, so a page without script is never stuck.
    assert "disabled" not in resend_button(page)
    assert 'aria-describedby="webotp-resend-wait"' in resend_button(page)
    assert 'aria-live="polite" data-webotp-announce' in page


def test_after_the_cooldown_the_button_has_no_wait(client, purpose, clock):
    purpose.begin(client)
    clock.move(30)
    page = client.get(purpose.page).content.decode()
    assert countdown(page) == {}
    assert "aria-describedby" not in resend_button(page)


def test_a_resend_too_soon_says_when_and_leads_back_to_the_code(client, purpose, clock):
    purpose.begin(client)
    clock.move(5)
    sms.outbox.clear()
    refused = client.post(purpose.resend_to, purpose.resend_data)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "25"
    page = refused.content.decode()
    assert '<p role="alert">You can ask for a new code in 25 seconds.</p>' in page
    assert f'<a href="{purpose.page}">Enter the code you received</a>' in page
    if purpose.start_url:
        assert f'<a href="{purpose.start_url}">Use a different number</a>' in page
    else:
        assert "Use a different number" not in page
    assert sms.outbox == []
    # The code already received still works from the page the link leads to.
    assert CODE_FIELD in client.get(purpose.page).content.decode()


def test_a_locked_code_shows_why_and_a_new_code_instead_of_its_field(client, purpose, clock):
    purpose.begin(client)
    code = last_code()
    for _ in range(4):
        assert purpose.post_code(client, wrong_code(code)).status_code == 400
    locking = purpose.post_code(client, wrong_code(code))
    for page in (locking.content.decode(), client.get(purpose.page).content.decode()):
        assert f'<div class="webotp-alert" role="alert"><p>{LOCKED}</p></div>' in page
        assert CODE_FIELD not in page and "data-webotp-form" not in page
        assert "No SMS?" not in page
        assert 'class="webotp-button"' in resend_button(page)

    # The new code obeys the cooldown like any other, then brings the field back.
    assert client.post(purpose.resend_to, purpose.resend_data).status_code == 429
    clock.move(30)
    assert client.post(purpose.resend_to, purpose.resend_data).status_code in (200, 302)
    page = client.get(purpose.page).content.decode()
    assert CODE_FIELD in page and LOCKED not in page


def test_an_expired_code_shows_why_and_a_new_code_instead_of_its_field(client, purpose, clock):
    purpose.begin(client)
    clock.move(webotp_settings.CODE_TTL)
    page = client.get(purpose.page).content.decode()
    assert f'<div class="webotp-alert" role="alert"><p>{EXPIRED}</p></div>' in page
    assert CODE_FIELD not in page
    assert 'class="webotp-button"' in resend_button(page)


# --- sign-in's code page reads no row until its code is posted -----------------------------


def test_the_sign_in_code_page_counts_down_without_asking_the_database(client, clock):
    start(client, PHONE)
    clock.move(3)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(VERIFY).content.decode()
    assert queries.captured_queries == []
    assert countdown(page)["countdown"] == "27"


def test_the_locked_sign_in_page_stays_locked_on_a_reload(client):
    start(client, PHONE)
    code = last_code(PHONE)
    for _ in range(5):
        client.post(VERIFY, {"code": wrong_code(code)})
    assert pending_state(client)["locked"] is True
    page = client.get(VERIFY).content.decode()
    assert LOCKED in page and CODE_FIELD not in page


# --- a confirmation: its page answers a POST --------------------------------------------------


def test_a_confirmation_counts_down_and_its_429_keeps_no_dead_link(signed_in, clock):
    page = signed_in.post(PAY, {"amount": "20.00"}).content.decode()
    assert countdown(page)["countdown"] == "30"
    assert 'name="webotp-step" value="resend"' in resend_button(page)
    refused = signed_in.post(PAY, {"amount": "20.00", "webotp-step": "resend"})
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    text = refused.content.decode()
    assert "You can ask for a new code in 30 seconds." in text
    assert "Enter the code you received" not in text  # a link cannot post the payment back


def test_a_locked_confirmation_offers_a_new_code_only(signed_in, clock):
    signed_in.post(PAY, {"amount": "20.00"})
    code = last_code(PHONE)
    for _ in range(5):
        page = signed_in.post(
            PAY, {"amount": "20.00", "webotp-step": "code", "webotp-code": wrong_code(code)}
        ).content.decode()
    assert LOCKED in page and CODE_FIELD not in page
    assert 'name="webotp-step" value="resend" class="webotp-button"' in resend_button(page)
