"""Benchmark of ``manage.py webotp_purge``: time and peak memory to purge 10^6 challenges.

Run through ``bash bench/run --purge`` (or any virtualenv with the project and psycopg:
``python bench/purge.py``). It recreates the PostgreSQL database ``webotp_bench_purge``,
bulk-inserts the challenges in SQL (each with one delivery receipt, as a provider's receipts
leave them; 1 % recent, which the purge keeps), runs ``VACUUM ANALYZE`` as autovacuum would,
then times one ``webotp_purge`` and prints the figures. It never fails on them.

Peak memory is measured twice: the Python heap's peak during the purge (tracemalloc, which
slows Python down a little, so the timing is taken in a separate run without it), and the
process's peak resident size (ru_maxrss) before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

DATABASE = os.environ.get("BENCH_PURGE_DB", "webotp_bench_purge")


def configure() -> None:
    settings.configure(
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789-0123456789",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "phonenumber_field",
            "django_webotp",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": DATABASE,
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "5432",
            }
        },
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def reset_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def populate(rows: int) -> int:
    """``rows`` challenges with a receipt each, 1 % recent (kept); returns how many may go."""
    from django.db import connection

    from django_webotp.models import Challenge, DeliveryEvent

    table, receipts = Challenge._meta.db_table, DeliveryEvent._meta.db_table
    kept = max(rows // 100, 1)
    old = rows - kept
    # A sign-in history: mostly used codes, some replaced, some abandoned (expired).
    statement = f"""
        INSERT INTO "{table}" (id, phone_number, purpose, created_at, expires_at, code_length,
            attempts, max_attempts, consumed_at, invalidated_at, delivery_status, delivery_error,
            provider_message_id, delivery_backend, delivery_error_code, requesting_ip,
            action_digest, action_description)
        SELECT gen_random_uuid(), '+447' || lpad(n::text, 9, '0'), 'login', at, at + interval
            '5 min', 6, 1, 5, CASE WHEN n %% 3 = 0 THEN at END, CASE WHEN n %% 3 = 1 THEN at END,
            'delivered', '', 'SM' || md5(n::text), 'twilio', '', '192.0.2.1', '', ''
        FROM (SELECT n, now() - %s * interval '1 day' - (n - %s) * interval '10 ms' AS at
              FROM generate_series(%s, %s) AS n) AS s
    """
    with connection.cursor() as cursor:
        cursor.execute(statement, [8, 1, 1, old])  # a week and more ago: these go
        cursor.execute(statement, [0, old + 1, old + 1, rows])  # the last minutes': these stay
        cursor.execute(
            f'INSERT INTO "{receipts}" (challenge_id, provider, status, raw_status, error_code,'
            f" received_at) SELECT id, 'twilio', 'delivered', 'delivered', '', created_at"
            f' FROM "{table}"'
        )
    connection.close()
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DATABASE}", autocommit=True) as db:
        db.execute("VACUUM ANALYZE")
    return old


def purge(batch_size: int, traced: bool) -> tuple[float, int, str]:
    """One purge: (seconds, Python heap peak in bytes or 0, its output)."""
    from django.core.management import call_command

    out = StringIO()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    call_command("webotp_purge", "--batch-size", str(batch_size), stdout=out)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak, out.getvalue().strip()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="challenges (10^6)")
    parser.add_argument("--batch-size", type=int, default=1000, help="the purge's (1000)")
    args = parser.parse_args(argv)

    reset_database()
    configure()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        started = time.perf_counter()
        doomed = populate(args.rows)
        print(f"webotp_purge benchmark: {args.rows:,} challenges with a receipt each")
        print(f"  inserted in SQL in {time.perf_counter() - started:.1f} s; {doomed:,} may go")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, _, said = purge(args.batch_size, traced=False)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"  purge: {said}")
        if said != f"Deleted {doomed} challenges in {-(-doomed // args.batch_size)} batches.":
            print("  (unexpected: the purge should delete exactly the old challenges)")
        print(f"  time: {seconds:.1f} s ({doomed / seconds:,.0f} challenges/s)")
        print(f"  peak RSS: {rss_before / 1024:.1f} MB before, {rss_after / 1024:.1f} MB after")
        # Again with tracemalloc, for the Python heap's peak (the same rows, inserted again).
        drop_database()
        reset_database()
        call_command("migrate", verbosity=0)
        populate(args.rows)
        _, peak, _ = purge(args.batch_size, traced=True)
        print(f"  Python heap peak during the purge (tracemalloc): {peak / 1024 / 1024:.2f} MB")
    finally:
        drop_database()


if __name__ == "__main__":
    main()
