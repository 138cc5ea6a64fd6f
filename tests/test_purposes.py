"""A code made for one purpose never works for another, by the derivation and by each flow."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client
from django.urls import reverse

from django_webotp.backends import PhoneOTPBackend
from django_webotp.codes import make_code
from django_webotp.models import Challenge, PhoneIdentity, Purpose, Verdict
from django_webotp.testing import last_code
from tests.support.accounts import (
    PHONE,
    PROTECTED,
    TWO_FACTOR,
    password_login,
    send_two_factor_code,
)

LOGIN, VERIFY = reverse("webotp:login"), reverse("webotp:verify")


@pytest.mark.parametrize(("made_for", "used_for"), list(itertools.permutations(Purpose.values, 2)))
def test_a_code_never_verifies_a_challenge_of_another_purpose(db, made_for, used_for):
    challenge = Challenge.objects.issue(PHONE, used_for, ttl=300, max_attempts=5, code_length=8)
    foreign = make_code(str(challenge.pk), made_for, PHONE, 8)
    assert challenge.verify(foreign) is Verdict.WRONG
    assert challenge.verify(challenge.make_code()) is Verdict.VERIFIED


def test_the_action_digest_is_part_of_the_code():
    base = make_code("7d6f3b1e-0000-4000-8000-000000000001", "confirm", PHONE, 8)
    bound = make_code("7d6f3b1e-0000-4000-8000-000000000001", "confirm", PHONE, 8, "ab" * 32)
    other = make_code("7d6f3b1e-0000-4000-8000-000000000001", "confirm", PHONE, 8, "cd" * 32)
    assert len({base, bound, other}) == 3


def test_codes_without_an_action_are_unchanged():
    """The digest joins the key only when there is one: sign-in codes stay as they were."""
    assert make_code("7d6f3b1e-0000-4000-8000-000000000001", "login", PHONE, 6) == make_code(
        "7d6f3b1e-0000-4000-8000-000000000001", "login", PHONE, 6, ""
    )


def test_a_two_factor_code_does_not_sign_in_and_a_sign_in_code_does_not_finish_two_factor(alice):
    # The same phone waits for a sign-in code (one browser) and a 2FA code (another) at once;
    # the number is made one that signs in alone, as an administrator may.
    PhoneIdentity.objects.filter(user=alice).update(can_sign_in=True)
    phone_browser = Client()
    phone_browser.post(LOGIN, {"phone_number": PHONE})
    sign_in_code = last_code(PHONE)
    password_browser = Client()
    password_login(password_browser)
    two_factor_code = send_two_factor_code(password_browser)

    crossed = phone_browser.post(VERIFY, {"code": two_factor_code})
    assert crossed.status_code == 400 and AUTH_SESSION_KEY not in phone_browser.session
    crossed = password_browser.post(TWO_FACTOR, {"code": sign_in_code})
    assert crossed.status_code == 400
    assert password_browser.get(PROTECTED).status_code == 302

    # Each code still works where it belongs.
    assert phone_browser.post(VERIFY, {"code": sign_in_code}).status_code == 302
    assert password_browser.post(TWO_FACTOR, {"code": two_factor_code}).status_code == 302


def test_a_two_factor_code_does_not_confirm_a_payment_and_back(alice):
    client = Client()
    password_login(client)
    two_factor_code = send_two_factor_code(client)
    client.post(TWO_FACTOR, {"code": two_factor_code})  # fully signed in
    client.post("/pay/", {"amount": "20.00"})
    payment_code = last_code(PHONE)
    reused = client.post(
        "/pay/", {"amount": "20.00", "webotp-step": "code", "webotp-code": two_factor_code}
    )
    assert reused.status_code == 400 and b"Paid" not in reused.content

    other = Client()
    password_login(other)
    send_two_factor_code(other)
    assert other.post(TWO_FACTOR, {"code": payment_code}).status_code == 400


def test_a_verified_challenge_of_another_purpose_signs_nobody_in(alice, rf):
    for purpose in (Purpose.TWO_FACTOR, Purpose.PHONE_CHANGE, Purpose.CONFIRM):
        challenge = Challenge.objects.issue(
            PHONE, purpose, ttl=300, max_attempts=5, code_length=6, user=alice
        )
        assert challenge.verify(challenge.make_code()) is Verdict.VERIFIED
        assert PhoneOTPBackend().authenticate(rf.post("/"), webotp_challenge=challenge) is None


def test_a_confirmation_is_bound_to_its_digest_in_the_code(db):
    digest = "ab" * 32
    challenge = Challenge.objects.issue(
        PHONE, Purpose.CONFIRM, ttl=300, max_attempts=5, code_length=8, action_digest=digest
    )
    unbound = make_code(str(challenge.pk), Purpose.CONFIRM, PHONE, 8)
    assert challenge.verify(unbound) is Verdict.WRONG
    assert challenge.verify(challenge.make_code()) is Verdict.VERIFIED


def test_one_open_challenge_per_purpose_not_per_phone(alice):
    """A pending sign-in does not cancel a pending 2FA code for the same phone, nor back."""
    login = Challenge.objects.issue(PHONE, Purpose.LOGIN, ttl=300, max_attempts=5, code_length=6)
    two_factor = Challenge.objects.issue(
        PHONE, Purpose.TWO_FACTOR, ttl=300, max_attempts=5, code_length=6, user=alice
    )
    login.refresh_from_db()
    assert login.invalidated_at is None and two_factor.invalidated_at is None


def test_task_delivery_sends_purposes_to_numbers_sign_up_would_not(
    alice, settings, django_capture_on_commit_callbacks
):
    """WEBOTP_SIGNUP = False withholds sign-in SMS from unknown numbers, and nothing else."""
    from django.test import RequestFactory

    from django_webotp.flows import challenges
    from django_webotp.sms import outbox

    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_DELIVERY = "task"
    request = RequestFactory().post("/")
    with django_capture_on_commit_callbacks(execute=True):
        result = challenges.start(
            request, "+447400777888", Purpose.CONFIRM, user=alice, description="x"
        )
    assert result.challenge is not None
    assert [m.to for m in outbox] == ["+447400777888"]
    with django_capture_on_commit_callbacks(execute=True):
        challenges.start(request, "+447400777999")  # sign-in, unknown number
    assert [m.to for m in outbox] == ["+447400777888"]
