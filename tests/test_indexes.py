"""The hot queries have indexes: PostgreSQL's EXPLAIN of the SQL the app really sends.

Each statement is captured while the app does its job (a sign-in, a purge), then explained
against a table of a few thousand challenges with fresh statistics. On a table this small the
planner may still prefer reading it whole, which says nothing about a table of millions, so
the test turns sequential scans off (``SET LOCAL enable_seqscan = off``, inside the test's
transaction only): the planner then picks the cheapest index that can serve the WHERE clause,
and falls back to a sequential scan (still possible, at a prohibitive cost) only when none
can. A plan without the expected index means the query and the indexes do not match.
"""

import json
import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from django_webotp.models import Challenge
from django_webotp.testing import last_code
from tests.support.codes import wrong_code

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("WEBOTP_TEST_DB") != "postgres", reason="EXPLAIN plans need PostgreSQL"
    ),
]

TABLE = Challenge._meta.db_table
PHONE = "+447911123456"


def plan_nodes(sql):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)

    def walk(node):
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    return list(walk(plan[0]["Plan"]))


def statements(queries, verb, *fragments):
    found = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(verb) and f'"{TABLE}"' in q["sql"]
        if all(f in q["sql"] for f in fragments)
    ]
    assert found, f"no {verb} on {TABLE} with {fragments}"
    return found


def indexes_used(sql):
    """The indexes the plan of ``sql`` reads; fails if it scans the challenge table whole."""
    nodes = plan_nodes(sql)
    seq_scans = [n for n in nodes if n["Node Type"] == "Seq Scan" and n["Relation Name"] == TABLE]
    assert not seq_scans, sql
    return {n["Index Name"] for n in nodes if "Index Name" in n}


@pytest.fixture(autouse=True)
def history(db):
    """Ten days of challenges (most used or replaced, a third abandoned), and fresh statistics.

    With statistics of a realistic table the planner weighs one index against another as it
    would in production (a primary-key lookup against a walk through all open challenges).
    """
    now = timezone.now()
    rows = []
    for n in range(3000):
        created = now - timedelta(minutes=5 * n)
        rows.append(
            Challenge(
                phone_number=f"+4479110{n:05d}",
                purpose="login",
                created_at=created,
                expires_at=created + timedelta(minutes=5),
                code_length=6,
                max_attempts=5,
                attempts=1,
                consumed_at=created if n % 3 == 0 else None,
                invalidated_at=created if n % 3 == 1 else None,
            )
        )
    Challenge.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{TABLE}"')


@pytest.fixture
def sign_in_queries(client):
    """Every statement of a sign-in that meets each path: phone page, a start, a second start
    that replaces its code, the code page, a wrong code (judged from the loaded challenge), the
    right one (used up by one UPDATE)."""
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("webotp:login"))
        client.post(reverse("webotp:login"), {"phone_number": PHONE})
        client.post(reverse("webotp:login"), {"phone_number": PHONE})
        client.get(reverse("webotp:verify"))
        client.post(reverse("webotp:verify"), {"code": wrong_code(last_code(PHONE))})
        client.post(reverse("webotp:verify"), {"code": last_code(PHONE)})
    return queries


def test_challenge_by_id_uses_the_primary_key(sign_in_queries):
    pkey = f"{TABLE}_pkey"
    for sql in statements(sign_in_queries, "SELECT", '."id" ='):
        assert indexes_used(sql) == {pkey}
    # The code checks: UPDATE ... WHERE id = ... AND attempts = ... (a wrong code), and the
    # right code's UPDATE ... SET attempts = attempts + 1, consumed_at = ... RETURNING.
    # Both name at most one row: by primary key, or (the right code's, which also names the
    # number and purpose) by the partial unique index of open challenges.
    for sql in statements(sign_in_queries, "UPDATE", '"consumed_at" = '):
        used = indexes_used(sql)
        assert len(used) == 1 and used <= {pkey, "webotp_one_open_challenge"}


def test_open_challenges_of_a_number_use_the_partial_unique_index(sign_in_queries):
    # Replacing earlier codes: UPDATE ... SET invalidated_at WHERE open AND phone AND purpose.
    (sql,) = statements(sign_in_queries, "UPDATE", '"invalidated_at" = ', '"phone_number" =')
    assert indexes_used(sql) == {"webotp_one_open_challenge"}


def test_the_purge_uses_the_creation_time_index():
    from django.core.management import call_command

    with CaptureQueriesContext(connection) as queries:
        call_command("webotp_purge", verbosity=0)
    # Each batch's ids are read on the creation-time index, from where the last batch ended;
    # the batch's challenges are then deleted by primary key.
    for sql in statements(queries, "SELECT", '"created_at" <'):
        assert "webotp_challenge_created" in indexes_used(sql)
    for sql in statements(queries, "DELETE"):
        assert indexes_used(sql) == {f"{TABLE}_pkey"}
