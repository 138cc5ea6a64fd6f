"""``manage.py webotp_purge``: finished and expired challenges go, in bounded batches."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_webotp.models import Challenge, DeliveryEvent, DeliveryStatus

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


def test_batches_are_bounded_and_load_only_their_ids():
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
    statements = [sql for sql in statements if "SAVEPOINT" not in sql]
    # Three full batches and the empty one that ends the loop: each reads at most 2 ids (in
    # creation order, from where the last batch ended), then deletes its receipts and its
    # challenges by those ids. No statement is unbounded, and no DELETE has a subquery of its
    # own that the database could answer differently from the other's.
    selects = [sql for sql in statements if sql.startswith("SELECT")]
    deletes = [sql for sql in statements if sql.startswith("DELETE")]
    assert len(selects) == 4
    assert len(deletes) == 6
    assert len(statements) == 10
    for sql in selects:
        assert "LIMIT 2" in sql
        assert "ORDER BY" in sql
    for sql in deletes:
        assert "SELECT" not in sql
        assert sql.count(", ") <= 1  # IN (id, id)
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


class DivergingScans:
    """A database that answers an unordered ``LIMIT`` query with whichever rows it meets first,
    starting each time somewhere else: what PostgreSQL's synchronized scans do on a table larger
    than a quarter of shared_buffers (a scan joins one already under way, mid-table).

    An execute wrapper: every statement with a LIMIT and no ORDER BY of its own gets one,
    ascending on odd evaluations and descending on even ones.
    """

    SUBQUERY = re.compile(r'SELECT (\w+)\."id" FROM "django_webotp_challenge" \1 ')

    def __init__(self):
        self.evaluations = 0

    def __call__(self, execute, sql, params, many, context):
        if " LIMIT " in sql and "ORDER BY" not in sql:
            found = self.SUBQUERY.search(sql)
            column = f'{found.group(1)}."id"' if found else '"id"'
            self.evaluations += 1
            direction = "DESC" if self.evaluations % 2 == 0 else "ASC"
            sql = sql.replace(" LIMIT ", f" ORDER BY {column} {direction} LIMIT ", 1)
        return execute(sql, params, many, context)


def receipt(owner, raw="delivered"):
    return DeliveryEvent.objects.create(
        challenge=owner, provider="twilio", status="delivered", raw_status=raw
    )


def test_both_deletes_of_a_batch_act_on_the_same_challenges():
    """Before the fix each batch ran the same unordered LIMIT subquery twice (receipts, then
    challenges): where the two answers differ, receipts of challenges that stay were deleted
    and receipts of challenges that went were left behind (the foreign key then fails at
    COMMIT, and on PostgreSQL every later run deletes 0)."""
    now = timezone.now()
    old = [challenge(8 * DAY, f"+44791110000{n}", consumed_at=now - 8 * DAY) for n in range(6)]
    kept = [challenge(timedelta(0), f"+44791110001{n}") for n in range(2)]
    for owner in old + kept:
        receipt(owner)
    with connection.execute_wrapper(DivergingScans()):
        out = StringIO()
        call_command("webotp_purge", "--batch-size", "2", stdout=out)
    assert out.getvalue() == "Deleted 6 challenges in 3 batches.\n"
    assert set(Challenge.objects.all()) == set(kept)
    # Every receipt left belongs to a challenge that is still there, with all of its own.
    assert sorted(e.challenge_id for e in DeliveryEvent.objects.all()) == sorted(c.pk for c in kept)
    connection.check_constraints()  # no receipt refers to a deleted challenge


def test_a_batch_never_deletes_receipts_of_a_challenge_it_keeps():
    """The receipts a batch deletes are exactly those of the challenges it deletes, batch by
    batch, even where the database answers the same query differently twice."""
    now = timezone.now()
    old = [challenge(8 * DAY, f"+44791120000{n}", consumed_at=now - 8 * DAY) for n in range(4)]
    for owner in old:
        receipt(owner)
    seen = []

    def after_each_batch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("DELETE") and '"django_webotp_challenge"' in sql.split("WHERE")[0]:
            left = set(Challenge.objects.values_list("pk", flat=True))
            with_receipts = set(DeliveryEvent.objects.values_list("challenge_id", flat=True))
            seen.append(left - with_receipts)
        return result

    with connection.execute_wrapper(after_each_batch), connection.execute_wrapper(DivergingScans()):
        call_command("webotp_purge", "--batch-size", "2", stdout=StringIO())
    assert seen and all(lost == set() for lost in seen), seen
