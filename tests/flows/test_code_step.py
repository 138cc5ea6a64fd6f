"""CodeStep: which challenge a session waits for, and judging its code under the defences."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from django_webotp import sms
from django_webotp.flows.code_step import CodeStep
from django_webotp.models import Challenge, PhoneIdentity, Purpose, Verdict
from django_webotp.purposes import spec
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

PHONE = "+447400123456"
OTHER = "+447400654321"
FAILING = "tests.support.sms_backends.SmsBackend"


@pytest.fixture
def request_():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    request.session = SessionStore()
    return request


@pytest.fixture
def alice():
    return make_user("alice@example.com")


@pytest.fixture
def bob():
    return make_user("bob@example.com")


def issue(purpose=Purpose.LOGIN, phone=PHONE, **fields) -> Challenge:
    return Challenge.objects.issue(phone, purpose, ttl=300, max_attempts=5, code_length=6, **fields)


def test_a_session_waits_for_the_challenge_it_remembers(request_):
    challenge = issue()
    step = CodeStep(request_, Purpose.LOGIN)
    step.remember(challenge, next_url="/account/")
    fresh = CodeStep(request_, Purpose.LOGIN)
    assert fresh.challenge == challenge
    assert fresh.next_url == "/account/"


def test_a_challenge_of_another_purpose_is_not_this_steps(request_, alice):
    other = issue(Purpose.TWO_FACTOR, user=alice)
    request_.session[spec(Purpose.LOGIN).session_key] = {"challenge": str(other.pk)}
    assert CodeStep(request_, Purpose.LOGIN).challenge is None


def test_a_challenge_made_for_another_account_is_not_this_steps(request_, alice, bob):
    challenge = issue(Purpose.TWO_FACTOR, user=alice)
    CodeStep(request_, Purpose.TWO_FACTOR, user=alice).remember(challenge)
    assert CodeStep(request_, Purpose.TWO_FACTOR, user=bob).challenge is None
    assert CodeStep(request_, Purpose.TWO_FACTOR, user=alice).challenge == challenge


def test_a_code_sent_to_a_number_the_account_no_longer_has_is_not_this_steps(request_, alice):
    challenge = issue(Purpose.TWO_FACTOR, user=alice)
    CodeStep(request_, Purpose.TWO_FACTOR, user=alice).remember(challenge)
    step = CodeStep(request_, Purpose.TWO_FACTOR, user=alice, phone=OTHER)
    assert step.challenge is None


def test_a_confirmation_code_is_only_for_its_own_action(request_, alice):
    challenge = issue(Purpose.CONFIRM, user=alice, action_digest="a" * 64)
    CodeStep(request_, Purpose.CONFIRM, user=alice).remember(challenge)
    assert CodeStep(request_, Purpose.CONFIRM, user=alice, action_digest="b" * 64).challenge is None
    assert CodeStep(request_, Purpose.CONFIRM, user=alice, action_digest="a" * 64).challenge


@pytest.mark.parametrize("stored", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", ""])
def test_a_session_entry_that_names_nothing_usable_is_no_challenge(request_, stored):
    request_.session[spec(Purpose.LOGIN).session_key] = {"challenge": stored}
    step = CodeStep(request_, Purpose.LOGIN)
    assert step.challenge is None
    assert step.check("123456").challenge is None


def test_a_code_that_is_not_a_code_counts_against_the_limit_not_as_an_attempt(request_, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "2/h"
    step = CodeStep(request_, Purpose.LOGIN).with_challenge(issue())
    first = step.check(None)
    assert (first.refusal, first.verdict) == (None, None)
    step.check(None)
    limited = step.check(step.challenge.make_code())
    assert limited.refusal is not None and limited.refusal.temporary
    assert limited.verdict is None
    step.challenge.refresh_from_db()
    assert step.challenge.attempts == 0
    assert step.challenge.consumed_at is None


def test_the_right_code_is_verified_once(request_):
    step = CodeStep(request_, Purpose.LOGIN).with_challenge(issue())
    code = step.challenge.make_code()
    assert step.check(code).verified
    assert step.check(code).verdict is Verdict.USED


def test_a_wrong_code_is_an_attempt(request_):
    step = CodeStep(request_, Purpose.LOGIN).with_challenge(issue())
    assert step.check(wrong_code(step.challenge.make_code())).verdict is Verdict.WRONG
    step.challenge.refresh_from_db()
    assert step.challenge.attempts == 1


def test_a_phone_change_to_another_accounts_number_never_verifies(request_, alice, bob):
    PhoneIdentity.objects.create(user=bob, phone_number=OTHER)
    challenge = issue(Purpose.PHONE_CHANGE, phone=OTHER, user=alice)
    step = CodeStep(request_, Purpose.PHONE_CHANGE, user=alice).with_challenge(challenge)
    assert step.check(challenge.make_code()).verdict is Verdict.WRONG
    challenge.refresh_from_db()
    assert challenge.attempts == 1


def test_the_notice_is_shown_once(request_):
    step = CodeStep(request_, Purpose.LOGIN)
    step.remember(issue(), notice="We sent a new code.")
    assert CodeStep(request_, Purpose.LOGIN).take_notice() == "We sent a new code."
    assert CodeStep(request_, Purpose.LOGIN).take_notice() == ""


def test_remembering_a_new_challenge_keeps_next(request_):
    step = CodeStep(request_, Purpose.LOGIN)
    step.remember(issue(), next_url="/pay/")
    step.remember(issue())
    assert CodeStep(request_, Purpose.LOGIN).next_url == "/pay/"


def test_forget_leaves_nothing_to_verify(request_):
    step = CodeStep(request_, Purpose.LOGIN)
    step.remember(issue())
    step.forget()
    assert CodeStep(request_, Purpose.LOGIN).challenge is None
    assert spec(Purpose.LOGIN).session_key not in request_.session


def test_a_failed_send_is_remembered_unless_the_page_says_not(request_, settings):
    settings.WEBOTP_SMS_BACKEND = FAILING
    kept = CodeStep(request_, Purpose.LOGIN)
    assert kept.start(PHONE).delivery_error == "timeout"
    assert CodeStep(request_, Purpose.LOGIN).challenge is not None
    CodeStep(request_, Purpose.LOGIN).forget()
    settings.WEBOTP_RATELIMIT_PHONE = ""
    dropped = CodeStep(request_, Purpose.LOGIN)
    assert dropped.start(PHONE, remember_failed=False).delivery_error == "timeout"
    assert CodeStep(request_, Purpose.LOGIN).challenge is None
    assert sms.outbox == []


def test_resend_without_a_challenge_sends_nothing(request_):
    assert CodeStep(request_, Purpose.LOGIN).resend() is None
    assert sms.outbox == []
