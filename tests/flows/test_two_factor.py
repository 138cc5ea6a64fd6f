"""Remember this device: a signed cookie skips the code for N days, for that user and phone only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from django_webotp import sms
from django_webotp.models import PhoneIdentity
from django_webotp.testing import last_code
from tests.support.accounts import (
    PHONE,
    PROTECTED,
    TWO_FACTOR,
    password_login,
    send_two_factor_code,
)

COOKIE = "webotp_device"


@pytest.fixture(autouse=True)
def _one_week(settings):
    settings.WEBOTP_TWO_FACTOR_REMEMBER_DAYS = 7


def finish_remembering(client: Client, username: str = "alice", phone: str = PHONE) -> None:
    password_login(client, username)
    send_two_factor_code(client)
    response = client.post(TWO_FACTOR, {"code": last_code(phone), "remember": "1"})
    assert response.status_code == 302
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 7 * 86400


def sign_out_and_in_again(client: Client, username: str = "alice") -> None:
    client.post(reverse("logout"))
    password_login(client, username)


def test_a_remembered_browser_skips_the_code(client, alice):
    password_login(client)
    send_two_factor_code(client)
    page = client.get(f"{TWO_FACTOR}?next={PROTECTED}")
    assert b"Don't ask again on this device for 7 days" in page.content
    client.post(reverse("logout"))
    finish_remembering(client)
    sent = len(sms.outbox)
    sign_out_and_in_again(client)
    assert client.get(PROTECTED).status_code == 200
    assert len(sms.outbox) == sent  # no new code


def test_without_the_tick_nothing_is_remembered(client, alice):
    password_login(client)
    send_two_factor_code(client)
    response = client.post(TWO_FACTOR, {"code": last_code(PHONE)})
    assert COOKIE not in response.cookies
    sign_out_and_in_again(client)
    assert client.get(PROTECTED).status_code == 302


def test_off_by_default_even_if_the_tick_is_posted(client, alice, settings):
    settings.WEBOTP_TWO_FACTOR_REMEMBER_DAYS = 0
    password_login(client)
    send_two_factor_code(client)
    page = client.get(TWO_FACTOR)
    assert b'autocomplete="one-time-code"' in page.content
    assert b"ask again on this device" not in page.content
    response = client.post(TWO_FACTOR, {"code": last_code(PHONE), "remember": "1"})
    assert COOKIE not in response.cookies


def test_the_cookie_is_for_its_user_only(client, alice, bob):
    finish_remembering(client)
    sign_out_and_in_again(client, "bob")
    assert client.get(PROTECTED).status_code == 302


def test_a_copied_cookie_does_not_replace_the_password(alice):
    """The cookie skips the code, never the password: a thief still needs both."""
    owner = Client()
    finish_remembering(owner)
    thief = Client()
    thief.cookies[COOKIE] = owner.cookies[COOKIE].value
    assert thief.get(PROTECTED)["Location"].startswith("/login/")


def test_a_tampered_cookie_is_ignored(client, alice):
    finish_remembering(client)
    value = client.cookies[COOKIE].value
    client.cookies[COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    sign_out_and_in_again(client)
    assert client.get(PROTECTED).status_code == 302


def test_the_cookie_expires(client, alice, monkeypatch):
    finish_remembering(client)
    import time

    later = time.time() + timedelta(days=7, seconds=1).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: later)
    sign_out_and_in_again(client)
    assert client.get(PROTECTED).status_code == 302


def test_a_new_password_forgets_every_device(client, alice):
    finish_remembering(client)
    alice.set_password("another-password-entirely")
    alice.save()
    client.post(reverse("logout"))
    client.post(
        reverse("password_login"), {"username": "alice", "password": "another-password-entirely"}
    )
    assert client.get(PROTECTED).status_code == 302


def test_a_new_phone_forgets_every_device(client, alice):
    finish_remembering(client)
    PhoneIdentity.objects.filter(user=alice).update(phone_number="+447400999000")
    sign_out_and_in_again(client)
    assert client.get(PROTECTED).status_code == 302


def test_a_partial_session_planted_in_a_remembered_browser_stays_the_attackers_problem(alice):
    """The attacker has the password, not the phone; the victim's browser is remembered."""
    victim = Client()
    finish_remembering(victim)
    attacker = Client()
    password_login(attacker)
    planted = attacker.cookies["sessionid"].value
    victim.cookies["sessionid"] = planted
    assert victim.get(PROTECTED).status_code == 200  # the cookie stood in for the code...
    assert victim.cookies["sessionid"].value != planted  # ...in a session with a new key
    assert attacker.get(PROTECTED).status_code == 302


OLD_KEY = "the-key-before-rotation-the-key-before-rotation-0123456"
NEW_KEY = "the-key-after-rotation-the-key-after-rotation-012345678"


@pytest.mark.parametrize(("fallbacks", "remembered"), [([OLD_KEY], True), ([], False)])
def test_a_secret_key_rotation_keeps_devices_while_the_old_key_is_a_fallback(
    client, alice, settings, fallbacks, remembered
):
    settings.SECRET_KEY = OLD_KEY
    finish_remembering(client)
    client.post(reverse("logout"))
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = fallbacks
    password_login(client)
    assert (client.get(PROTECTED).status_code == 200) is remembered
