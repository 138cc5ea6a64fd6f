"""Two-step verification after Django's password LoginView: the flow and every way around it."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client
from django.urls import reverse

from django_webotp import sms
from django_webotp.models import Challenge, PhoneIdentity, Purpose
from django_webotp.testing import last_code, last_message
from tests.support.accounts import (
    PHONE,
    PHONE_PAGE,
    PROTECTED,
    TWO_FACTOR,
    finish_two_factor,
    password_login,
    send_two_factor_code,
)
from tests.support.codes import wrong_code
from tests.support.users import PASSWORD

CODE_PAGE = f"{TWO_FACTOR}?next={PROTECTED}"


def test_a_password_alone_does_not_open_a_protected_page(client, alice):
    password_login(client)
    response = client.get(PROTECTED)
    assert response.status_code == 302
    assert response["Location"] == CODE_PAGE
    # Django counts the session as signed in; the protected page never saw it.
    assert client.session[AUTH_SESSION_KEY] == str(alice.pk)


def test_the_whole_second_step(client, alice):
    password_login(client)
    page = client.get(CODE_PAGE)
    assert page.status_code == 200
    assert b"phone number ending in 56" in page.content
    assert PHONE.encode() not in page.content  # a password thief does not learn the number
    assert sms.outbox == []  # opening the page sends nothing; the person asks for the code

    sent = client.post(TWO_FACTOR, {"step": "send", "next": PROTECTED})
    assert sent.status_code == 302 and sent["Location"] == CODE_PAGE
    message = last_message(PHONE)
    assert message.body.startswith(f"{last_code(PHONE)} is your Example verification code.")
    assert message.body.endswith(f"\n\n@testserver #{last_code(PHONE)}")
    challenge = Challenge.objects.get()
    assert (challenge.purpose, challenge.user) == (Purpose.TWO_FACTOR, alice)

    code_page = client.get(CODE_PAGE)
    assert b'autocomplete="one-time-code"' in code_page.content
    assert b"data-webotp-form" in code_page.content
    done = client.post(TWO_FACTOR, {"code": last_code(PHONE), "next": PROTECTED})
    assert done.status_code == 302 and done["Location"] == PROTECTED
    assert client.get(PROTECTED).status_code == 200


def test_asking_twice_sends_one_sms(client, alice):
    password_login(client)
    send_two_factor_code(client)
    send_two_factor_code(client)  # a reload, a double click
    assert len(sms.outbox) == 1


def test_posting_to_a_protected_url_is_redirected_too(client, alice):
    password_login(client)
    response = client.post(PROTECTED, {"anything": "1"})
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)


def test_the_session_gets_a_new_key_when_fully_signed_in(alice):
    """A session id planted or seen while partly signed in is worthless afterwards."""
    victim = Client()
    password_login(victim)
    planted = victim.cookies["sessionid"].value
    send_two_factor_code(victim)
    victim.post(TWO_FACTOR, {"code": last_code(PHONE), "next": PROTECTED})
    assert victim.cookies["sessionid"].value != planted
    assert victim.get(PROTECTED).status_code == 200

    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get(PROTECTED)["Location"].startswith("/login/?next=")  # signed out


def test_a_planted_partial_session_does_not_become_the_attackers(alice):
    """The attacker knows the password, plants their partial session; the victim finishes it."""
    attacker = Client()
    password_login(attacker)
    victim = Client()
    victim.cookies["sessionid"] = attacker.cookies["sessionid"].value
    send_two_factor_code(victim)
    victim.post(TWO_FACTOR, {"code": last_code(PHONE), "next": PROTECTED})
    assert victim.get(PROTECTED).status_code == 200
    assert attacker.get(PROTECTED).status_code == 302


def test_a_wrong_code_counts_and_says_how_many_are_left(client, alice):
    password_login(client)
    code = send_two_factor_code(client)
    wrong = wrong_code(code)
    response = client.post(TWO_FACTOR, {"code": wrong, "next": PROTECTED})
    assert response.status_code == 400
    assert b"You have 4 attempts left." in response.content
    assert client.get(PROTECTED).status_code == 302


def test_a_locked_code_stays_refused(client, alice, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 1
    password_login(client)
    code = send_two_factor_code(client)
    client.post(TWO_FACTOR, {"code": wrong_code(code)})
    response = client.post(TWO_FACTOR, {"code": code})
    assert response.status_code == 400
    assert b"Too many wrong codes." in response.content
    assert client.get(PROTECTED).status_code == 302


def test_malformed_code_and_no_code_request(client, alice):
    password_login(client)
    asked_nothing = client.post(TWO_FACTOR, {"code": "123456"})
    assert asked_nothing.status_code == 400
    assert b"Ask for a new code." in asked_nothing.content
    send_two_factor_code(client)
    letters = client.post(TWO_FACTOR, {"code": "12ab56"})
    assert letters.status_code == 400
    assert b"digits only" in letters.content


def test_a_code_cannot_be_used_twice(client, alice):
    finish_two_factor(client)
    client.logout()
    password_login(client)
    response = client.post(TWO_FACTOR, {"code": last_code(PHONE)})
    # The new session has no code request; the old challenge is used up anyway.
    assert response.status_code == 400
    assert client.get(PROTECTED).status_code == 302


def test_another_users_challenge_is_not_judged(client, alice, bob):
    """A session pointed at someone else's challenge finds none."""
    other = Client()
    password_login(other, "bob")
    send_two_factor_code(other)
    bobs = Challenge.objects.get(user=bob)
    password_login(client)
    session = client.session
    session["webotp_2fa"] = {"challenge": str(bobs.pk), "phone": bobs.phone}
    session.save()
    response = client.post(TWO_FACTOR, {"code": bobs.make_code()})
    assert response.status_code == 400
    assert client.get(PROTECTED).status_code == 302


def test_resend_waits_for_the_cooldown_then_replaces_the_code(client, alice, settings):
    password_login(client)
    first = send_two_factor_code(client)
    too_soon = client.post(TWO_FACTOR, {"step": "resend", "next": PROTECTED})
    assert too_soon.status_code == 429
    settings.WEBOTP_RESEND_COOLDOWN = 0
    again = client.post(TWO_FACTOR, {"step": "resend", "next": PROTECTED})
    assert again.status_code == 302
    assert b"We sent a new code." in client.get(CODE_PAGE).content
    second = last_code(PHONE)
    assert len(sms.outbox) == 2
    if first != second:
        assert client.post(TWO_FACTOR, {"code": first}).status_code == 400
    assert client.post(TWO_FACTOR, {"code": second, "next": PROTECTED}).status_code == 302


def test_resend_without_a_code_yet_sends_one(client, alice):
    password_login(client)
    assert client.post(TWO_FACTOR, {"step": "resend"}).status_code == 302
    assert len(sms.outbox) == 1


def test_sends_are_rate_limited(client, alice, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    settings.WEBOTP_RESEND_COOLDOWN = 0
    password_login(client)
    send_two_factor_code(client)
    response = client.post(TWO_FACTOR, {"step": "resend"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_code_submissions_are_rate_limited(client, alice, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "1/h"
    password_login(client)
    code = send_two_factor_code(client)
    client.post(TWO_FACTOR, {"code": wrong_code(code)})
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 429


def test_a_failed_sms_says_so(client, alice, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    password_login(client)
    response = client.post(TWO_FACTOR, {"step": "send"})
    assert response.status_code == 424
    assert b"We could not send the code just now." in response.content


def test_the_bot_check_is_not_asked_of_a_signed_in_account(client, alice, settings):
    settings.WEBOTP_BOT_CHECK = lambda request, phone: "Prove you are human."
    password_login(client)
    assert client.post(TWO_FACTOR, {"step": "send"}).status_code == 302
    assert len(sms.outbox) == 1


def test_a_phone_sign_in_is_one_factor_so_a_view_needing_two_refuses_it(client, db):
    """One SMS never counts as two factors: a phone-only account signed in by code gets a 403
    page on a view that requires the second step, and no second code to the same phone."""
    client.post(reverse("webotp:login"), {"phone_number": PHONE})  # signs up
    client.post(reverse("webotp:verify"), {"code": last_code(PHONE)})
    assert AUTH_SESSION_KEY in client.session
    sms.outbox.clear()
    response = client.get(PROTECTED)
    assert response.status_code == 403
    assert b"sign in with your password" in response.content
    assert client.get(TWO_FACTOR)["Location"] == "/"  # the code page has nothing to add
    assert sms.outbox == []


def test_the_code_page_sends_the_others_away(client, alice):
    assert client.get(TWO_FACTOR)["Location"] == f"/login/?next={TWO_FACTOR}"
    finish_two_factor(client)
    assert client.get(CODE_PAGE)["Location"] == PROTECTED
    assert client.get(f"{TWO_FACTOR}?next=https://evil.example/")["Location"] == "/"


def test_giving_up_signs_out(client, alice):
    password_login(client)
    response = client.post(reverse("webotp:two_factor_cancel"))
    assert response.status_code == 302
    assert AUTH_SESSION_KEY not in client.session


def test_a_partly_signed_in_user_cannot_change_the_phone(client, alice):
    """Otherwise a stolen password would replace the phone that guards the account."""
    password_login(client)
    page = client.get(PHONE_PAGE)
    assert page.status_code == 302 and page["Location"].startswith(TWO_FACTOR)
    posted = client.post(PHONE_PAGE, {"phone_number": "+447400999888"})
    assert posted.status_code == 302 and posted["Location"].startswith(TWO_FACTOR)
    assert sms.outbox == []
    assert list(PhoneIdentity.objects.values_list("phone_number", flat=True)) == [PHONE]


def test_unprotected_views_keep_the_password_session(client, alice):
    """WEBOTP_TWO_FACTOR_REQUIRED = False: only marked views ask for the code."""
    password_login(client)
    assert client.get(reverse("account")).status_code == 200


# --- users without a phone number --------------------------------------------------------


def test_no_phone_enroll_adds_a_number_and_counts_as_the_second_step(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "enroll"
    password_login(client, "carol")
    to_code_page = client.get(PROTECTED)
    assert to_code_page["Location"] == CODE_PAGE
    to_phone_page = client.get(CODE_PAGE)
    assert to_phone_page["Location"] == f"{PHONE_PAGE}?next={PROTECTED}"
    page = client.get(to_phone_page["Location"])
    assert b"Add your mobile number to finish signing in" in page.content

    before = client.cookies["sessionid"].value
    client.post(PHONE_PAGE, {"phone_number": "+447400222333", "next": PROTECTED})
    done = client.post(PHONE_VERIFY_URL, {"code": last_code("+447400222333"), "next": PROTECTED})
    assert done.status_code == 302 and done["Location"] == PROTECTED
    assert client.cookies["sessionid"].value != before
    assert client.get(PROTECTED).status_code == 200
    assert carol.phone_identities.get().phone_number == "+447400222333"


PHONE_VERIFY_URL = reverse("webotp:phone_verify")


def test_no_phone_deny_refuses_with_a_reason(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "deny"
    password_login(client, "carol")
    response = client.get(CODE_PAGE)
    assert response.status_code == 403
    assert b"has no verified phone number" in response.content
    assert client.get(PHONE_PAGE)["Location"].startswith(TWO_FACTOR)  # no enrolling either
    assert client.get(PROTECTED).status_code == 302


def test_no_phone_allow_lets_the_password_do(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    password_login(client, "carol")
    assert client.get(PROTECTED).status_code == 200
    assert client.get(CODE_PAGE)["Location"] == PROTECTED


# --- WEBOTP_TWO_FACTOR_REQUIRED = True ---------------------------------------------------


@pytest.fixture
def everywhere(settings):
    settings.WEBOTP_TWO_FACTOR_REQUIRED = True


@pytest.mark.usefixtures("everywhere")
@pytest.mark.parametrize("url", ["/", "/account/", "/admin/"])
def test_required_everywhere_guards_every_view(client, alice, url):
    password_login(client)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{TWO_FACTOR}?next=")


@pytest.mark.usefixtures("everywhere")
def test_required_everywhere_leaves_public_and_exempt_views_alone(client, alice, settings):
    password_login(client)
    assert client.get(reverse("password_login")).status_code == 200  # @login_not_required
    assert client.get(reverse("admin:login")).status_code == 200  # its form, not the second step
    assert client.get(CODE_PAGE).status_code == 200  # the code page itself
    # Phone sign-in is @login_not_required: it needs the phone, so it is a second factor itself.
    assert client.get(reverse("webotp:login")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302  # @two_factor_exempt
    assert AUTH_SESSION_KEY not in client.session


@pytest.mark.usefixtures("everywhere")
def test_required_everywhere_changes_nothing_for_anonymous_or_verified(client, alice):
    assert client.get("/").status_code == 200
    assert client.get("/account/")["Location"].startswith("/login/")  # login_required's answer
    finish_two_factor(client)
    assert client.get("/").status_code == 200
    assert client.get("/account/").status_code == 200


@pytest.mark.usefixtures("everywhere")
def test_required_everywhere_refuses_a_session_signed_in_by_a_code_alone(client, db):
    """A phone-only account has one factor: where every view needs two, it sees the 403 page
    (and can sign out), never a second code to the same phone counted as the second step."""
    client.post(reverse("webotp:login"), {"phone_number": PHONE})  # signs up
    client.post(reverse("webotp:verify"), {"code": last_code(PHONE)})
    assert AUTH_SESSION_KEY in client.session
    for url in ("/", "/account/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 403 and b"sign in with your password" in response.content
    assert client.post(reverse("logout")).status_code == 302
    assert AUTH_SESSION_KEY not in client.session


@pytest.mark.usefixtures("everywhere")
def test_django_logout_view_always_works(client, alice):
    from django.contrib.auth.views import LogoutView

    from django_webotp.two_factor import requires_two_factor

    assert requires_two_factor(LogoutView.as_view()) is False


def test_wrong_password_is_djangos_business(client, alice):
    response = client.post(reverse("password_login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert AUTH_SESSION_KEY not in client.session


def test_a_different_user_signing_in_in_the_same_browser_starts_over(client, alice, bob):
    finish_two_factor(client)
    client.post(reverse("password_login"), {"username": "bob", "password": PASSWORD})
    assert client.get(PROTECTED).status_code == 302
