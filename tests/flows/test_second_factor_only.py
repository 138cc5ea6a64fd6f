"""A phone added for two-step verification never replaces the password: its code alone signs
nobody in, it is told apart from no unknown number, and staff stay off SMS-only sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import get_user_model
from django.test import Client

from django_webotp import sms
from django_webotp.models import Challenge, PhoneIdentity, Purpose
from django_webotp.testing import last_code
from tests.support.accounts import NEW_PHONE, PHONE, PHONE_PAGE, PHONE_VERIFY, password_login
from tests.support.signin import VERIFY, start
from tests.support.users import make_user

pytestmark = pytest.mark.django_db
UNKNOWN = "+447400999000"


def enrol(client: Client, username: str, number: str = NEW_PHONE) -> None:
    """Password sign-in, then two-step enrolment of a first number (WITHOUT_PHONE "enroll")."""
    password_login(client, username)
    assert client.post(PHONE_PAGE, {"phone_number": number}).status_code == 302
    assert client.post(PHONE_VERIFY, {"code": last_code(number)}).status_code == 302


def the_code_anyway(number: str) -> str:
    """The code of the newest sign-in challenge, as if the attacker had it (no SMS carried it)."""
    challenge = Challenge.objects.filter(phone_number=number, purpose=Purpose.LOGIN).latest(
        "created_at"
    )
    return challenge.make_code()


def sign_in_by_code(number: str) -> Client:
    """A fresh browser asks for a sign-in code to ``number`` and enters the right code."""
    browser = Client()
    start(browser, number)
    browser.post(VERIFY, {"code": the_code_anyway(number)})
    return browser


def shape(response) -> tuple:
    return response.status_code, response.get("Location")


def test_a_superuser_who_enrols_a_phone_still_needs_the_password(client):
    """The attack: a password superuser adds a phone for two-step verification; whoever holds
    that phone (or its SIM) asks for a sign-in code. No code is sent, and even the right code
    gives no session and no admin."""
    make_user("root", is_staff=True, is_superuser=True)
    enrol(client, "root")
    sms.outbox.clear()

    attacker = sign_in_by_code(NEW_PHONE)

    assert sms.outbox == []
    assert AUTH_SESSION_KEY not in attacker.session
    admin = attacker.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")


def test_a_number_enrolled_for_two_step_is_a_second_factor_only(client, settings):
    """The identity's role holds on its own, for a plain account and even with staff allowed."""
    settings.WEBOTP_STAFF_SMS_SIGNIN = True
    user = make_user("dora")
    enrol(client, "dora")
    assert PhoneIdentity.objects.get(user=user).can_sign_in is False
    assert AUTH_SESSION_KEY not in sign_in_by_code(NEW_PHONE).session
    assert get_user_model()._default_manager.count() == 1  # and no second account signed up


@pytest.mark.parametrize("signup", [True, False])
def test_a_second_factor_number_gets_the_page_of_an_unknown_number(alice, settings, signup):
    """The same answer as an unknown number while sign-up is off, and no SMS, either way."""
    settings.WEBOTP_SIGNUP = signup
    second_factor = start(Client(), PHONE)
    assert sms.outbox == []
    settings.WEBOTP_SIGNUP = False
    unknown = start(Client(), UNKNOWN)
    assert shape(second_factor) == shape(unknown)
    assert sms.outbox == []


def test_the_api_sends_no_sign_in_code_to_a_second_factor_number(alice, settings):
    response = Client().post(
        "/api/webotp/start/", {"phone_number": PHONE}, content_type="application/json"
    )
    assert response.status_code < 500
    assert sms.outbox == []


def test_a_phone_sign_up_number_signs_in(client):
    start(client, UNKNOWN)
    client.post(VERIFY, {"code": last_code(UNKNOWN)})
    assert AUTH_SESSION_KEY in client.session
    assert PhoneIdentity.objects.get(phone_number=UNKNOWN).can_sign_in is True


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_are_kept_off_sms_only_sign_in_unless_the_setting_says_so(settings, flag):
    user = make_user("staffer", password=None, **{flag: True})
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    refused = sign_in_by_code(PHONE)
    assert sms.outbox == []
    assert AUTH_SESSION_KEY not in refused.session
    settings.WEBOTP_SIGNUP = False
    assert shape(start(Client(), PHONE)) == shape(start(Client(), UNKNOWN))  # not revealed

    settings.WEBOTP_SIGNUP = True
    settings.WEBOTP_STAFF_SMS_SIGNIN = True
    browser = Client()
    start(browser, PHONE)
    browser.post(VERIFY, {"code": last_code(PHONE)})
    assert browser.session[AUTH_SESSION_KEY] == str(user.pk)


def test_a_phone_only_account_keeps_signing_in_after_changing_its_number(client):
    start(client, UNKNOWN)
    client.post(VERIFY, {"code": last_code(UNKNOWN)})
    client.post(PHONE_PAGE, {"phone_number": NEW_PHONE})
    client.post(PHONE_VERIFY, {"code": last_code(NEW_PHONE)})
    identity = PhoneIdentity.objects.get()
    assert (str(identity.phone_number), identity.can_sign_in) == (NEW_PHONE, True)


def test_a_password_account_changing_its_number_keeps_it_a_second_factor(signed_in, alice):
    signed_in.post(PHONE_PAGE, {"phone_number": NEW_PHONE})
    signed_in.post(PHONE_VERIFY, {"code": last_code(NEW_PHONE)})
    identity = PhoneIdentity.objects.get(user=alice)
    assert (str(identity.phone_number), identity.can_sign_in) == (NEW_PHONE, False)
