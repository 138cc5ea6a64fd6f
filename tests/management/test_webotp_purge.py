"""``manage.py webotp_purge``: finished and expired challenges go, in bounded batches."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_webotp.models import Challenge, DeliveryStatus

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def challenge(age=timedelta(0), phone="+447911123456", **fields):
    """A challenge created ``age`` ago, with a 5-minute code."""
    created = timezone.now() - age
    defaults = {
        "phone_number": phone,
        "purpose": "login",
        "created_at": created,
        "expires_at": created + timedelta(minutes=5),
        "code_length": 6,
        "max_attempts": 5,
    }
    return Challenge.objects.create(**{**defaults, **fields})


def purge(*args):
    out = StringIO()
    call_command("webotp_purge", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history():
    """One challenge of each kind, some old, some recent; returns them by name."""
    now = timezone.now()
    return {
        "old_used": challenge(8 * DAY, "+447911000001", consumed_at=now - 8 * DAY),
        "old_replaced": challenge(8 * DAY, "+447911000002", invalidated_at=now - 8 * DAY),
        "old_failed": challenge(
            8 * DAY,
            "+447911000003",
            invalidated_at=now - 8 * DAY,
            delivery_status=DeliveryStatus.FAILED,
        ),
        "old_expired": challenge(8 * DAY, "+447911000004"),
        "recent_used": challenge(DAY, "+447911000005", consumed_at=now - DAY),
        "recent_expired": challenge(timedelta(hours=1), "+447911000006"),
        "pending": challenge(timedelta(0), "+447911000007"),
        "locked_but_unexpired": challenge(timedelta(0), "+447911000008", attempts=5),
        "used_just_now": challenge(timedelta(0), "+447911000009", consumed_at=now),
    }


def remaining(history):
    pks = set(Challenge.objects.values_list("pk", flat=True))
    return sorted(name for name, c in history.items() if c.pk in pks)


def test_by_default_finished_challenges_older_than_a_week_go(history):
    assert purge() == "Deleted 4 challenges in 1 batch.\n"
    assert remaining(history) == [
        "locked_but_unexpired",
        "pending",
        "recent_expired",
        "recent_used",
        "used_just_now",
    ]


def test_older_than_sets_the_age_in_days(history):
    assert purge("--older-than", "0.5") == "Deleted 5 challenges in 1 batch.\n"
    assert remaining(history) == [
        "locked_but_unexpired",
        "pending",
        "recent_expired",
        "used_just_now",
    ]


def test_older_than_zero_leaves_only_challenges_that_can_still_be_used(history):
    purge("--older-than", "0")
    assert remaining(history) == ["locked_but_unexpired", "pending"]


def test_nothing_to_purge(history):
    Challenge.objects.all().delete()
    assert purge() == "Deleted 0 challenges in 0 batches.\n"


def test_batches_are_bounded_deletes_that_load_no_rows():
    for n in range(5):
        challenge(8 * DAY, f"+44791100010{n}", consumed_at=timezone.now() - 8 * DAY)
    with CaptureQueriesContext(connection) as queries:
        out = StringIO()
        call_command("webotp_purge", "--batch-size", "2", "-v", "2", stdout=out)
    assert out.getvalue().splitlines() == [
        "Batch 1: deleted 2 challenges.",
        "Batch 2: deleted 2 challenges.",
        "Batch 3: deleted 1 challenge.",
        "Deleted 5 challenges in 3 batches.",
    ]
    statements = [q["sql"] for q in queries.captured_queries]
    # Three full batches and the empty one that ends the loop, each deleting its receipts and
    # then its challenges; nothing but DELETEs (and the savepoints around each pair), each with
    # its LIMIT inside: no row travels to Python, no statement is unbounded.
    statements = [sql for sql in statements if "SAVEPOINT" not in sql]
    assert len(statements) == 8
    for sql in statements:
        assert sql.startswith("DELETE FROM")
        assert "LIMIT 2" in sql
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "-1"], "--older-than must be 0 or more days."),
        (["--batch-size", "0"], "--batch-size must be at least 1."),
    ],
)
def test_nonsense_arguments_are_refused_with_a_sentence(args, message):
    with pytest.raises(CommandError, match=message):
        purge(*args)


def test_delivery_receipts_go_with_their_challenge():
    from django_webotp.models import DeliveryEvent

    old = challenge(8 * DAY, "+447911100020", consumed_at=timezone.now() - 8 * DAY)
    kept = challenge(timedelta(0), "+447911100021")
    for owner in (old, kept):
        DeliveryEvent.objects.create(
            challenge=owner, provider="twilio", status="delivered", raw_status="delivered"
        )
    call_command("webotp_purge", stdout=StringIO())
    assert list(Challenge.objects.all()) == [kept]
    assert [event.challenge_id for event in DeliveryEvent.objects.all()] == [kept.pk]
