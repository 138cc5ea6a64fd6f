"""A right sign-in code is used up in one conditional UPDATE … RETURNING, with no SELECT first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_webotp.models import Challenge
from django_webotp.models.challenge_queries import returns_updated_rows
from django_webotp.testing import last_code
from tests.support.codes import wrong_code
from tests.support.signin import PHONE, VERIFY, start

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not returns_updated_rows(connection), reason="this database's UPDATE returns no rows"
    ),
]

TABLE = Challenge._meta.db_table


def challenge_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if TABLE in q["sql"]]


def test_a_right_code_reads_no_challenge_before_using_it(client):
    start(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 302
    statements = challenge_statements(queries)
    assert len(statements) == 1
    assert statements[0].startswith("UPDATE") and "RETURNING" in statements[0]
    challenge = Challenge.objects.get()
    assert challenge.consumed_at is not None and challenge.attempts == 1


def test_the_same_right_code_is_used_once():
    challenge = Challenge.objects.issue(PHONE, ttl=300, max_attempts=5, code_length=6)
    first = Challenge.objects.use_up(challenge.pk, "login", PHONE)
    assert first is not None and first.pk == challenge.pk and first.consumed_at is not None
    assert str(first.phone_number) == PHONE and first.attempts == 1
    assert Challenge.objects.use_up(challenge.pk, "login", PHONE) is None
    assert Challenge.objects.get().attempts == 1


def test_an_expired_locked_or_replaced_challenge_is_not_used_up():
    expired = Challenge.objects.issue(PHONE, ttl=300, max_attempts=5, code_length=6)
    Challenge.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    assert Challenge.objects.use_up(expired.pk, "login", PHONE) is None
    locked = Challenge.objects.issue(PHONE, ttl=300, max_attempts=5, code_length=6)
    Challenge.objects.filter(pk=locked.pk).update(attempts=5)
    assert Challenge.objects.use_up(locked.pk, "login", PHONE) is None
    assert Challenge.objects.get(pk=expired.pk).invalidated_at is not None  # replaced by locked
    assert Challenge.objects.use_up(expired.pk, "login", PHONE) is None
    assert not Challenge.objects.filter(consumed_at__isnull=False).exists()


def test_a_wrong_code_still_counts_its_attempt_the_long_way(client):
    start(client)
    response = client.post(VERIFY, {"code": wrong_code(last_code(PHONE))})
    assert response.status_code == 400
    assert Challenge.objects.get().attempts == 1


def test_a_used_code_typed_again_reads_as_used(client):
    start(client)
    code = last_code(PHONE)
    client.post(VERIFY, {"code": code})
    again = client.__class__()
    start(again, PHONE)
    Challenge.objects.filter(consumed_at__isnull=True).update(consumed_at=timezone.now())
    response = again.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 400
    assert "already been used" in response.content.decode()


def test_only_the_challenge_of_that_purpose_and_number_is_used_up():
    challenge = Challenge.objects.issue(PHONE, ttl=300, max_attempts=5, code_length=6)
    assert Challenge.objects.use_up(challenge.pk, "two_factor", PHONE) is None
    assert Challenge.objects.use_up(challenge.pk, "login", "+447911654321") is None
    assert Challenge.objects.get().attempts == 0
    assert Challenge.objects.use_up(challenge.pk, "login", PHONE) is not None
