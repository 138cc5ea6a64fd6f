"""One start at a time per number and purpose, in each database's own way.

Two sections of a start are serialised: replacing the open challenge (``replacing``: the UPDATE
that closes the old one and the INSERT of the new one, committed before any SMS goes out), and
sending its SMS (``sending``: from the check that the challenge is still the open one to the
recorded outcome). A start that would replace a challenge whose SMS is being sent waits for
that send, so the last SMS sent to a number is the one whose code works.

- PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit hash of number and purpose around the
  replacement; the send's transaction holds the challenge's row lock (its first UPDATE), which
  the next replacement's UPDATE waits for. Both are transaction-scoped: safe behind PgBouncer.
- MySQL and MariaDB: ``GET_LOCK`` on that hash around the replacement (they have no partial
  unique index to fall back on), row locks for the send as on PostgreSQL.
- SQLite: writes are serialised by the database itself, but a transaction held over a send would
  hold every writer of the site; a lock per number (striped) in this process orders them instead.
  SQLite sites run in one process, or accept that only the unique index holds across processes.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import OperationalError, connections, transaction

__all__ = ["lock_key", "replacing", "sending"]

#: Locks shared by numbers of the same stripe (SQLite only): bounded memory, rare false sharing.
STRIPES = 64
_stripes = [threading.Lock() for _ in range(STRIPES)]
#: Seconds MySQL's GET_LOCK waits for another start of the same number before giving up.
MYSQL_WAIT = 60


def lock_key(phone: str, purpose: str) -> int:
    """A signed 64-bit number naming (phone, purpose), as PostgreSQL's advisory locks take."""
    digest = hashlib.blake2b(f"webotp:{purpose}:{phone}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def replacing(phone: str, purpose: str, using: str) -> Iterator[None]:
    """A transaction in which no other start of (phone, purpose) replaces its open challenge."""
    connection = connections[using]
    key = lock_key(phone, purpose)
    with ExitStack() as stack:
        if connection.vendor == "sqlite":
            stack.enter_context(_stripes[key % STRIPES])
        elif connection.vendor == "mysql":
            stack.enter_context(_named_lock(connection, key))
        stack.enter_context(transaction.atomic(using=using))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        yield


@contextmanager
def sending(phone: str, purpose: str, using: str) -> Iterator[None]:
    """Where a challenge's SMS is sent: a transaction whose first UPDATE (``claim``) locks the
    challenge's row until the outcome is recorded; on SQLite, this process's lock instead."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with _stripes[lock_key(phone, purpose) % STRIPES]:
            yield
        return
    with transaction.atomic(using=using):
        yield


@contextmanager
def _named_lock(connection: Any, key: int) -> Iterator[None]:
    name = f"webotp:{key & 0xFFFFFFFFFFFFFFFF:016x}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", [name, MYSQL_WAIT])
        (taken,) = cursor.fetchone()
    if taken != 1:
        raise OperationalError("Another start for this number held its lock too long.")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
