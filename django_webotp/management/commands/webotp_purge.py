"""``manage.py webotp_purge``: delete challenges nobody can use any more, a batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ...models import Challenge, DeliveryEvent


def purgeable(cutoff, now) -> Q:
    """Created before ``cutoff`` and finished: used, replaced, failed, or expired.

    Open challenges that merely ran out of attempts are left until they expire; a new request
    for the number replaces them anyway.
    """
    finished = (
        Q(consumed_at__isnull=False) | Q(invalidated_at__isnull=False) | Q(expires_at__lte=now)
    )
    return Q(created_at__lt=cutoff) & finished


def after(position: tuple[datetime, object] | None) -> Q:
    """Past ``position`` (the last row of the previous batch) in (created_at, pk) order."""
    if position is None:
        return Q()
    created, pk = position
    return Q(created_at__gte=created) & ~Q(created_at=created, pk__lte=pk)


def chunks(ids: list, size: int | None) -> Iterator[list]:
    """``ids`` in slices small enough for one statement's parameters (SQLite's limit)."""
    size = size or len(ids) or 1
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def delete_batch(ids: list) -> int:
    """Delete these challenges and their delivery receipts; the number of challenges deleted.

    Both DELETEs name the same ids, read once: never the same LIMIT subquery twice, which a
    database may answer with different rows (PostgreSQL's synchronized scans do, on a table
    larger than a quarter of shared_buffers), deleting receipts of challenges that stay and
    leaving receipts of challenges that go, which fails the foreign key at COMMIT. The receipts
    go first; the challenges then go with a raw delete, because Django's collector would load
    every challenge to cascade to receipts that are already gone.
    """
    deleted = 0
    for part in chunks(ids, connection.features.max_query_params):
        DeliveryEvent.objects.filter(challenge_id__in=part).delete()
        deleted += Challenge.objects.filter(pk__in=part)._raw_delete(Challenge.objects.db)
    return deleted


class Command(BaseCommand):
    help = (
        "Delete sign-in challenges that were used, replaced, failed or expired, in batches "
        "so that no single DELETE locks the table for long."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=7,
            metavar="DAYS",
            help="Only challenges created more than DAYS days ago (default 7: a week of "
            "history stays for the admin). 0 deletes every finished challenge.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            metavar="N",
            help="Rows per DELETE statement (default 1000).",
        )

    def handle(self, *args, older_than: float, batch_size: int, **options) -> None:
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more days.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        now = timezone.now()
        doomed = Challenge.objects.filter(purgeable(now - timedelta(days=older_than), now))
        total = batches = 0
        position = None
        while True:
            with transaction.atomic():
                rows = self.next_batch(doomed, position, batch_size)
                if not rows:
                    break
                deleted = delete_batch([pk for _created, pk in rows])
            position = rows[-1]
            total += deleted
            batches += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"Batch {batches}: deleted {_n(deleted, 'challenge')}.")
        self.stdout.write(f"Deleted {_n(total, 'challenge')} in {_n(batches, 'batch')}.")

    @staticmethod
    def next_batch(
        doomed: QuerySet, position: tuple[datetime, object] | None, size: int
    ) -> list[tuple[datetime, object]]:
        """The next ``size`` purgeable challenges in (created_at, pk) order, locked.

        Each batch starts where the last one ended (on the creation-time index, so it never
        walks again over the rows already deleted) and holds a bounded list of ids. The lock
        keeps a delivery receipt arriving meanwhile from referring to a challenge on its way
        out; a purge running at the same time skips this batch rather than waiting for it.
        The loop ends: rows created meanwhile are newer than the fixed cutoff.
        """
        batch = (
            doomed.filter(after(position))
            .order_by("created_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("created_at", "pk")[:size]
        )
        return list(batch)


def _n(count: int, noun: str) -> str:
    plural = noun + ("es" if noun.endswith("h") else "s")
    return f"{count} {noun if count == 1 else plural}"
