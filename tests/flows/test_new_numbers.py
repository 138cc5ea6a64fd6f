"""Codes to numbers an account has not verified (a phone change, an enrolment): the bot check
applies as for anonymous requests, and each account may ask for only a few, from any address."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import Client
from django.urls import reverse

from django_webotp import sms
from django_webotp.abuse.bots import TURNSTILE_FIELD
from django_webotp.models import Challenge, Purpose
from django_webotp.testing import last_code
from tests.support.accounts import (
    NEW_PHONE,
    PHONE,
    PHONE_PAGE,
    PHONE_VERIFY,
    TWO_FACTOR,
    finish_two_factor,
    password_login,
)

TICKET = "a-passing-token"


def needs_ticket(request, phone_number):
    """A bot check shaped like Turnstile's: the widget's token arrives as a form field."""
    if request.POST.get(TURNSTILE_FIELD) == TICKET:
        return True
    return "Please complete the check that you are not a robot."


@pytest.fixture
def bot_check(settings):
    settings.WEBOTP_BOT_CHECK = "tests.flows.test_new_numbers.needs_ticket"


def ask(client: Client, number: str = NEW_PHONE, ip: str = "127.0.0.1", **fields):
    return client.post(PHONE_PAGE, {"phone_number": number, **fields}, REMOTE_ADDR=ip)


def sent_to(number: str) -> bool:
    return any(message.to == number for message in sms.outbox)


def test_a_phone_change_to_a_new_number_needs_the_bot_check(signed_in, bot_check):
    refused = ask(signed_in)
    assert refused.status_code == 400
    assert b"Please complete the check that you are not a robot." in refused.content
    assert not sent_to(NEW_PHONE)
    assert not Challenge.objects.filter(phone_number=NEW_PHONE).exists()

    passed = ask(signed_in, **{TURNSTILE_FIELD: TICKET})
    assert passed.status_code == 302 and passed["Location"] == PHONE_VERIFY
    assert sent_to(NEW_PHONE)


def test_a_new_code_for_the_new_number_needs_it_too(signed_in, bot_check, settings):
    settings.WEBOTP_RESEND_COOLDOWN = 0
    ask(signed_in, **{TURNSTILE_FIELD: TICKET})
    sms.outbox.clear()
    assert signed_in.post(PHONE_VERIFY, {"step": "resend"}).status_code == 400
    assert sms.outbox == []
    assert (
        signed_in.post(PHONE_VERIFY, {"step": "resend", TURNSTILE_FIELD: TICKET}).status_code == 302
    )
    assert sent_to(NEW_PHONE)


def test_enrolling_a_first_number_needs_the_bot_check(client, carol, bot_check):
    password_login(client, "carol")
    assert ask(client).status_code == 400
    assert not sent_to(NEW_PHONE)
    assert ask(client, **{TURNSTILE_FIELD: TICKET}).status_code == 302
    assert sent_to(NEW_PHONE)


def test_a_code_to_the_accounts_own_number_needs_no_token(client, alice, bot_check):
    password_login(client)
    assert client.post(TWO_FACTOR, {"step": "send"}).status_code == 302
    assert sent_to(PHONE)
    assert client.post(TWO_FACTOR, {"code": last_code(PHONE)}).status_code == 302


def test_a_signed_in_sign_in_request_for_a_stranger_still_needs_it(signed_in, bot_check):
    """The sign-in page asks for no account, whoever is signed in: anonymous, as before."""
    response = signed_in.post(reverse("webotp:login"), {"phone_number": NEW_PHONE})
    assert response.status_code == 400
    assert not sent_to(NEW_PHONE)


# --- the per-account limit -----------------------------------------------------------------------


def stranger(n: int) -> str:
    return f"+4474001112{n:02d}"


def test_the_fourth_new_number_in_an_hour_is_refused_from_any_address(signed_in, alice):
    for n in range(3):
        assert ask(signed_in, stranger(n), ip=f"198.51.100.{n + 1}").status_code == 302
    refused = ask(signed_in, stranger(3), ip="203.0.113.9")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not sent_to(stranger(3))
    assert Challenge.objects.filter(purpose=Purpose.PHONE_CHANGE).count() == 3


def test_the_limit_is_each_accounts_own(signed_in, bob, settings):
    settings.WEBOTP_RATELIMIT_NEW_NUMBER = "1/h"
    assert ask(signed_in, stranger(0)).status_code == 302
    assert ask(signed_in, stranger(1)).status_code == 429
    other = Client()
    finish_two_factor(other, "bob", phone="+447400654321")
    assert ask(other, stranger(2)).status_code == 302


def test_codes_to_the_accounts_own_number_are_not_counted(client, alice, settings):
    settings.WEBOTP_RATELIMIT_NEW_NUMBER = "1/h"
    settings.WEBOTP_RESEND_COOLDOWN = 0
    password_login(client)
    for _ in range(3):
        client.post(TWO_FACTOR, {"step": "resend"})
    client.post(TWO_FACTOR, {"code": last_code(PHONE)})
    assert ask(client, stranger(0)).status_code == 302


def test_a_bad_limit_is_a_configuration_error(settings):
    settings.WEBOTP_RATELIMIT_NEW_NUMBER = "3 an hour"
    assert "webotp.E004" in [error.id for error in checks.run_checks()]


# --- the widget on the pages that send such codes --------------------------------------------


def test_the_pages_show_turnstiles_widget_when_the_check_is_on(signed_in, settings):
    settings.WEBOTP_TURNSTILE_SITE_KEY = "site-key-123"
    widget = b'data-sitekey="site-key-123"'
    assert widget not in signed_in.get(PHONE_PAGE).content  # no bot check configured
    settings.WEBOTP_BOT_CHECK = "django_webotp.abuse.bots.turnstile"
    assert widget in signed_in.get(PHONE_PAGE).content
    assert widget in Client().get(reverse("webotp:login")).content
    settings.WEBOTP_BOT_CHECK = "tests.flows.test_new_numbers.needs_ticket"
    ask(signed_in, **{TURNSTILE_FIELD: TICKET})
    assert widget in signed_in.get(PHONE_VERIFY).content  # its resend form
    assert widget not in signed_in.get(TWO_FACTOR, follow=True).content
