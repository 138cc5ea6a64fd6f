"""The code of a challenge a resend replaced: told apart ("a newer code was sent"), for free.

A person who asks for a new code and then types the one from the first SMS is not guessing: the
current challenge counts no attempt and the answer says to use the latest code. Bounded: only the
challenge this session waited for just before, only while it would still be unexpired.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models.functions import Now
from django.test import Client
from django.utils import timezone

from django_webotp.models import Challenge
from django_webotp.testing import last_code
from tests.support.api import PHONE as API_PHONE
from tests.support.api import Api
from tests.support.codes import wrong_code
from tests.support.signin import PHONE, RESEND, VERIFY, start

pytestmark = pytest.mark.django_db

NEWER = "A newer code was sent to you; use the latest one."


def _resend(client: Client) -> tuple[str, str]:
    """A first code, then a new one in its place: (old code, new code)."""
    old_code = last_code(PHONE)
    assert old_code is not None
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))  # cooldown over
    assert client.post(RESEND).status_code == 302
    new_code = last_code(PHONE)
    if new_code == old_code:  # one chance in a million: nothing to tell apart
        pytest.skip("the new code happens to be the old one")
    return old_code, new_code


def _current() -> Challenge:
    return Challenge.objects.get(consumed_at__isnull=True, invalidated_at__isnull=True)


def test_html_the_old_code_says_a_newer_code_was_sent_and_costs_nothing(client):
    start(client)
    old_code, new_code = _resend(client)
    response = client.post(VERIFY, {"code": old_code})
    assert response.status_code == 400
    assert NEWER in response.content.decode()
    assert _current().attempts == 0
    assert client.post(VERIFY, {"code": new_code}).status_code == 302


def test_html_a_wrong_code_after_a_resend_still_costs_an_attempt(client):
    start(client)
    old_code, new_code = _resend(client)
    wrong = next(
        c for c in ("000000", "111111", wrong_code(new_code)) if c not in (old_code, new_code)
    )
    response = client.post(VERIFY, {"code": wrong})
    assert "That code is not right" in response.content.decode()
    assert _current().attempts == 1


def test_html_the_old_code_once_it_would_have_expired_is_just_wrong(client):
    start(client)
    old_code, _new_code = _resend(client)
    Challenge.objects.exclude(pk=_current().pk).update(expires_at=Now())
    response = client.post(VERIFY, {"code": old_code})
    assert "That code is not right" in response.content.decode()
    assert _current().attempts == 1


def test_only_the_challenge_just_before_is_told_apart(client):
    start(client)
    first_code, _second = _resend(client)
    _second, third = _resend(client)
    if first_code == third:
        pytest.skip("the third code happens to be the first one")
    response = client.post(VERIFY, {"code": first_code})
    assert "That code is not right" in response.content.decode()
    assert _current().attempts == 1


def test_api_the_old_code_answers_superseded_without_an_attempt():
    api = Api(Client(enforce_csrf_checks=True))
    api.start(next="/account/")
    old_code = last_code(API_PHONE)
    assert old_code is not None
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    assert api.resend().status_code == 202
    new_code = last_code(API_PHONE)
    if new_code == old_code:
        pytest.skip("the new code happens to be the old one")
    response = api.verify(old_code)
    assert response.status_code == 400
    body = response.json()
    assert body == {"error": "superseded", "message": NEWER, "field": "code", "attempts_left": 5}
    assert _current().attempts == 0
    wrong = next(c for c in ("000000", "111111", "222222") if c not in (old_code, new_code))
    assert api.verify(wrong).json()["attempts_left"] == 4
    assert api.verify(new_code).json() == {"status": "verified", "redirect": "/account/"}
