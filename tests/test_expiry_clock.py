"""A code's expiry is judged by the database's clock, the same for every web node.

A node whose own clock runs a day ahead must not call a live code expired, nor one a day behind
take a code that has expired: the Python clock is moved here (``timezone.now`` patched) while the
database's stays put, and the verdict follows the database.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db.models.functions import Now
from django.utils import timezone

from django_webotp.models import Challenge, Status, Verdict
from django_webotp.testing import last_code
from tests.support.signin import PHONE, VERIFY, start

pytestmark = pytest.mark.django_db

_real_now = timezone.now


def node_clock(offset: timedelta):
    """This web node's clock ``offset`` away from the database's."""
    return mock.patch("django.utils.timezone.now", lambda: _real_now() + offset)


def issue() -> Challenge:
    return Challenge.objects.issue(PHONE, ttl=300, max_attempts=5, code_length=6)


def expire_by_the_database(challenge: Challenge) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(expires_at=Now())
    challenge.refresh_from_db()


@pytest.mark.parametrize("offset", [timedelta(days=1), timedelta(minutes=6)])
def test_a_node_clock_ahead_does_not_expire_a_live_code(offset):
    challenge = issue()
    with node_clock(offset):
        assert challenge.verify(challenge.make_code()) is Verdict.VERIFIED


@pytest.mark.parametrize("offset", [-timedelta(days=1), -timedelta(minutes=6)])
def test_a_node_clock_behind_does_not_take_an_expired_code(offset):
    challenge = issue()
    expire_by_the_database(challenge)
    with node_clock(offset):
        assert challenge.verify(challenge.make_code()) is Verdict.EXPIRED
    challenge.refresh_from_db()
    assert challenge.consumed_at is None and challenge.attempts == 0


def test_a_wrong_code_on_a_node_behind_is_expired_not_an_attempt():
    challenge = issue()
    expire_by_the_database(challenge)
    with node_clock(-timedelta(days=1)):
        assert challenge.verify("000000") is Verdict.EXPIRED
    challenge.refresh_from_db()
    assert challenge.attempts == 0


def test_pending_and_status_filters_follow_the_database_clock():
    live, expired = (
        issue(),
        Challenge.objects.issue("+447911123457", ttl=300, max_attempts=5, code_length=6),
    )
    expire_by_the_database(expired)
    for offset in (timedelta(days=1), -timedelta(days=1)):
        with node_clock(offset):
            assert list(Challenge.objects.pending()) == [live]
            assert list(Challenge.objects.with_status(Status.EXPIRED)) == [expired]
            assert list(Challenge.objects.with_status(Status.PENDING)) == [live]


@pytest.mark.parametrize("offset", [timedelta(days=1), -timedelta(days=1)])
def test_the_sign_in_page_follows_the_database_clock(client, offset):
    start(client)
    code = last_code(PHONE)
    with node_clock(offset):
        assert client.post(VERIFY, {"code": code}).status_code == 302


def test_the_sign_in_page_refuses_a_code_expired_by_the_database_clock(client):
    start(client)
    code = last_code(PHONE)
    expire_by_the_database(Challenge.objects.get())
    with node_clock(-timedelta(days=1)):
        response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "This code has expired" in response.content.decode()
