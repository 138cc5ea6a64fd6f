"""``webotp_purge`` on a table past PostgreSQL's synchronized-scan threshold.

A sequential scan of a table larger than a quarter of ``shared_buffers`` joins any scan of it
already under way, starting mid-table: the same unordered ``LIMIT`` query then answers with
different rows each time. Before the fix each batch ran one twice (receipts, then challenges),
so on such a table the two deletes picked different challenges, the foreign key failed at
COMMIT and every later run deleted nothing (250,000 challenges with receipts: 0 deleted,
exit 1). The table here is bulk-inserted in SQL until it crosses that threshold.
"""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from django_webotp.models import Challenge, DeliveryEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),  # the purge's own COMMITs, where the FK is checked
    pytest.mark.skipif(
        os.environ.get("WEBOTP_TEST_DB") != "postgres",
        reason="synchronized scans are PostgreSQL's",
    ),
]

CHALLENGES = Challenge._meta.db_table
RECEIPTS = DeliveryEvent._meta.db_table
CHUNK = 10_000
OLD_CREATED = "now() - interval '8 days' - n * interval '1 s'"
OLD_EXPIRES = "now() - interval '8 days' - n * interval '1 s' + interval '5 min'"
MAX_ROWS = 1_000_000  # a server with a huge shared_buffers is not worth a slower test


def sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def copies(template: Challenge, count: int, first: int, created: str, expires: str) -> None:
    """``count`` copies of ``template``'s row, each with its own id and number (``first`` on),
    created and expiring at the SQL expressions given (``n`` is the copy's number)."""
    overrides = {
        "id": "gen_random_uuid()",
        "phone_number": "'+447' || lpad(n::text, 9, '0')",
        "created_at": created,
        "expires_at": expires,
        # Wide rows, as a confirmation whose send failed has (its action's words, a provider's
        # error message): what crosses the threshold is the table's size, and wide rows get
        # there with fewer of them (about 80,000 with the default 128 MB).
        "provider_message_id": "'SM' || md5(n::text)",
        "delivery_error": "rpad('timeout: HTTPSConnectionPool: read timed out ' || n, 255, '.')",
        "action_description": "rpad('Pay ' || n || ' GBP to ACME Ltd, account ', 160, '0')",
    }
    columns = [field.column for field in Challenge._meta.concrete_fields]
    values = [overrides.get(column, f't."{column}"') for column in columns]
    quoted = ", ".join(f'"{column}"' for column in columns)
    sql(
        f'INSERT INTO "{CHALLENGES}" ({quoted}) SELECT {", ".join(values)} '
        f'FROM "{CHALLENGES}" t, generate_series(%s, %s) AS n WHERE t.id = %s',
        (first, first + count - 1, template.pk),
    )


def scan_threshold_blocks() -> int:
    """A quarter of shared_buffers, in blocks: the table size where scans synchronize."""
    ((buffers,),) = sql("SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers'")
    return buffers // 4


def blocks() -> int:
    ((size,),) = sql(
        "SELECT pg_relation_size(%s) / current_setting('block_size')::int", [CHALLENGES]
    )
    return size


def test_a_table_past_the_synchronized_scan_threshold_is_purged_whole():
    created = timezone.now()
    template = Challenge.objects.create(
        phone_number="+447999999999",
        purpose="login",
        created_at=created,
        expires_at=created + timedelta(minutes=5),
        code_length=6,
        max_attempts=5,
    )
    # Kept: a few hundred codes still in use, spread among the old ones.
    copies(template, 500, 5_000_000, "now() - n * interval '1 ms'", "now() + interval '5 min'")
    # Old, finished codes, until the table is a tenth past a quarter of shared_buffers.
    copies(template, CHUNK, 0, OLD_CREATED, OLD_EXPIRES)
    per_block = CHUNK / blocks()
    old = max(int(scan_threshold_blocks() * 1.1 * per_block), CHUNK)
    assert old <= MAX_ROWS, "shared_buffers is too large for this test's table"
    if old > CHUNK:
        copies(template, old - CHUNK, CHUNK, OLD_CREATED, OLD_EXPIRES)
    assert blocks() > scan_threshold_blocks()
    sql(
        f'INSERT INTO "{RECEIPTS}" (challenge_id, provider, status, raw_status, error_code, '
        f"received_at) SELECT id, 'twilio', 'delivered', 'delivered', '', created_at "
        f'FROM "{CHALLENGES}"'
    )
    sql(f'ANALYZE "{CHALLENGES}"')  # as autovacuum would: the planner sees a big, old table
    sql(f'ANALYZE "{RECEIPTS}"')
    kept = set(
        Challenge.objects.filter(created_at__gte=created - timedelta(days=1)).values_list(
            "pk", flat=True
        )
    )
    assert len(kept) == 501

    out = StringIO()
    call_command("webotp_purge", stdout=out)  # raises (exit 1) if a COMMIT fails

    batches = -(-old // 1000)
    assert out.getvalue() == f"Deleted {old} challenges in {batches} batches.\n"
    assert set(Challenge.objects.values_list("pk", flat=True)) == kept
    assert set(DeliveryEvent.objects.values_list("challenge_id", flat=True)) == kept
    assert DeliveryEvent.objects.count() == len(kept)
    # A second run finds nothing left to do, and fails nothing either.
    again = StringIO()
    call_command("webotp_purge", stdout=again)
    assert again.getvalue() == "Deleted 0 challenges in 0 batches.\n"
