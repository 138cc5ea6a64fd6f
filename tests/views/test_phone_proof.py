"""A phone change needs proof that the session is the owner's: a code to the current number, or
a recent sign-in or password. A stolen signed-in session has neither, and moves nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from django_webotp import sms
from django_webotp.flows import phone_change, reauth
from django_webotp.models import Challenge, Purpose, Status
from django_webotp.testing import last_code, last_message
from tests.support.accounts import (
    NEW_PHONE,
    PHONE,
    PHONE_PAGE,
    PHONE_VERIFY,
    password_login,
)
from tests.support.codes import wrong_code
from tests.support.users import PASSWORD, make_user

ACCOUNT = "/account/"
CURRENT = reverse("webotp:phone_current")
REAUTH = reverse("webotp:reauth")

# Committed as in production, so the notice to the old number, sent on commit, really goes out.
pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_long_ago(client: Client, seconds: int = 3600) -> None:
    """Move this session's last authentication ``seconds`` into the past: a session cookie
    stolen after its owner signed in, as a thief replays it."""
    session = client.session
    stamp = session[reauth.SESSION_KEY]
    stamp["at"] -= seconds
    session[reauth.SESSION_KEY] = stamp
    session.save()


def later(monkeypatch, seconds: int) -> None:
    """The clock the re-authentication stamps are read with, ``seconds`` on."""
    now = reauth._now()
    monkeypatch.setattr(reauth, "_now", lambda: now + seconds)


def ask(client: Client, number: str = NEW_PHONE):
    return client.post(PHONE_PAGE, {"phone_number": number, "next": ACCOUNT})


def enter(client: Client, code: str):
    return client.post(PHONE_VERIFY, {"code": code, "next": ACCOUNT})


def numbers_of(user) -> list[str]:
    return sorted(str(n) for n in user.phone_identities.values_list("phone_number", flat=True))


def refused_without_a_code(response, user, numbers=(PHONE,)) -> None:
    assert response.status_code == 403
    assert b"confirm it is you" in response.content
    assert not Challenge.objects.filter(purpose=Purpose.PHONE_CHANGE).exists()
    assert [m.to for m in sms.outbox] == []
    assert numbers_of(user) == list(numbers)


def prove_by_current_code(client: Client) -> None:
    sent = client.post(CURRENT, {"step": "send", "next": ACCOUNT})
    assert sent.status_code == 302 and sent["Location"] == f"{CURRENT}?next={ACCOUNT}"
    assert "verification code" in last_message(PHONE).body
    proved = client.post(CURRENT, {"code": last_code(PHONE), "next": ACCOUNT})
    assert proved.status_code == 302 and proved["Location"] == f"{PHONE_PAGE}?next={ACCOUNT}"


@pytest.fixture
def stolen(signed_in):
    """alice's fully signed-in session, an hour after she signed in."""
    signed_in_long_ago(signed_in)
    sms.outbox.clear()
    return signed_in


def test_a_stolen_session_cannot_send_a_code_to_a_new_number(stolen, alice):
    page = stolen.get(PHONE_PAGE)
    assert page.status_code == 200
    assert b'name="phone_number"' not in page.content
    assert b"your current number, ending in 56, or your password" in page.content
    refused_without_a_code(ask(stolen), alice)


def test_the_code_to_the_current_number_lets_the_change_go_on(stolen, alice):
    prove_by_current_code(stolen)
    assert b'name="phone_number"' in stolen.get(PHONE_PAGE).content
    assert ask(stolen).status_code == 302
    assert enter(stolen, last_code(NEW_PHONE))["Location"] == ACCOUNT
    assert numbers_of(alice) == [NEW_PHONE]
    assert "phone number was changed to a number ending in 22" in last_message(PHONE).body


def test_a_wrong_code_to_the_current_number_proves_nothing(stolen, alice):
    stolen.post(CURRENT, {"step": "send"})
    response = stolen.post(CURRENT, {"code": wrong_code(last_code(PHONE))})
    assert response.status_code == 400
    sms.outbox.clear()
    refused_without_a_code(ask(stolen), alice)


def test_the_password_lets_the_change_go_on(stolen, alice):
    next_url = f"{PHONE_PAGE}?next={ACCOUNT}"
    assert stolen.get(f"{REAUTH}?next={next_url}").status_code == 200
    wrong = stolen.post(REAUTH, {"password": "not-it", "next": next_url})
    assert wrong.status_code == 400
    assert b"This password is not right." in wrong.content
    refused_without_a_code(ask(stolen), alice)

    right = stolen.post(REAUTH, {"password": PASSWORD, "next": next_url})
    assert right.status_code == 302 and right["Location"] == next_url
    ask(stolen)
    enter(stolen, last_code(NEW_PHONE))
    assert numbers_of(alice) == [NEW_PHONE]
    assert "phone number was changed" in last_message(PHONE).body


def test_password_guesses_are_limited(stolen, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "2/h"
    for _ in range(2):
        assert stolen.post(REAUTH, {"password": "not-it"}).status_code == 400
    assert stolen.post(REAUTH, {"password": PASSWORD}).status_code == 429


@pytest.mark.parametrize("prove", ["password", "current code"])
def test_the_proof_expires(stolen, alice, monkeypatch, prove):
    if prove == "password":
        stolen.post(REAUTH, {"password": PASSWORD})
    else:
        prove_by_current_code(stolen)
    sms.outbox.clear()
    later(monkeypatch, 301)  # the default WEBOTP_REAUTH_MAX_AGE is 300 s
    refused_without_a_code(ask(stolen), alice)


def test_the_proof_lasts_as_long_as_the_setting_says(stolen, monkeypatch, settings):
    settings.WEBOTP_REAUTH_MAX_AGE = 900
    stolen.post(REAUTH, {"password": PASSWORD})
    later(monkeypatch, 600)
    assert ask(stolen).status_code == 302


def test_a_code_sent_while_proven_can_be_entered_after_the_proof_expires(
    stolen, alice, monkeypatch
):
    stolen.post(REAUTH, {"password": PASSWORD})
    later(monkeypatch, 250)
    ask(stolen)
    later(monkeypatch, 400)  # the code was sent 250 s after the password: it still counts
    assert enter(stolen, last_code(NEW_PHONE))["Location"] == ACCOUNT
    assert numbers_of(alice) == [NEW_PHONE]


def test_the_proof_cannot_be_skipped_by_posting_to_the_code_page(stolen, alice):
    """A code request this session never proved itself for (made by some other page, or left
    from before) is not judged, and changes nothing."""
    challenge = phone_change_challenge(stolen, alice)
    response = enter(stolen, challenge.make_code())
    assert response.status_code == 403
    assert numbers_of(alice) == [PHONE]
    challenge.refresh_from_db()
    assert challenge.status is Status.PENDING  # not even counted as an attempt
    resent = stolen.post(PHONE_VERIFY, {"step": "resend"})
    assert resent.status_code == 403
    assert sms.outbox == []


def test_the_flow_refuses_an_unproven_completion(alice):
    request = RequestFactory().post("/")
    request.user, request.session = alice, SessionStore()
    challenge = Challenge.objects.issue(
        NEW_PHONE, Purpose.PHONE_CHANGE, ttl=300, max_attempts=5, code_length=6, user=alice
    )
    assert phone_change.complete(request, alice, challenge) is False
    assert numbers_of(alice) == [PHONE]
    assert sms.outbox == []


def phone_change_challenge(client: Client, user) -> Challenge:
    challenge = Challenge.objects.issue(
        NEW_PHONE, Purpose.PHONE_CHANGE, ttl=300, max_attempts=5, code_length=6, user=user
    )
    session = client.session
    session["webotp_phone"] = {"challenge": str(challenge.pk), "phone": NEW_PHONE, "next": ""}
    session.save()
    return challenge


def test_the_current_number_page_is_for_accounts_with_a_number(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    password_login(client, "carol")
    assert client.post(CURRENT, {"step": "send"})["Location"] == PHONE_PAGE
    assert sms.outbox == []


# --- an account without a number ---------------------------------------------------------------


def test_a_first_number_needs_a_recent_password(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    password_login(client, "carol")
    assert ask(client).status_code == 302  # just signed in: that is recent
    sms.outbox.clear()
    Challenge.objects.all().delete()
    signed_in_long_ago(client)
    page = client.get(PHONE_PAGE)
    assert b"First confirm it is you: enter your password." in page.content
    assert b"Text a code" not in page.content
    refused_without_a_code(ask(client), carol, numbers=())
    client.post(REAUTH, {"password": PASSWORD})
    ask(client)
    enter(client, last_code(NEW_PHONE))
    assert numbers_of(carol) == [NEW_PHONE]


def test_enrolling_after_a_stale_password_asks_for_it_again(client, carol):
    """Two-step verification's enrolment: a partly signed-in session, no number yet."""
    password_login(client, "carol")
    signed_in_long_ago(client)
    refused_without_a_code(ask(client), carol, numbers=())
    assert client.post(REAUTH, {"password": PASSWORD}).status_code == 302
    ask(client)
    assert enter(client, last_code(NEW_PHONE))["Location"] == ACCOUNT
    assert numbers_of(carol) == [NEW_PHONE]


def test_an_account_without_password_or_number_has_nothing_to_prove(client, settings, db):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    dave = make_user("dave", password=None)
    client.force_login(dave)
    signed_in_long_ago(client)
    assert ask(client).status_code == 302
    enter(client, last_code(NEW_PHONE))
    assert numbers_of(dave) == [NEW_PHONE]


def test_a_sign_in_stamps_the_session(rf, alice):
    request = rf.get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    login(request, alice, backend="django.contrib.auth.backends.ModelBackend")
    assert request.session[reauth.SESSION_KEY]["method"] == "sign-in"
    assert reauth.recent(request, alice)
