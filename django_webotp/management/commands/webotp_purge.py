"""``manage.py webotp_purge``: delete challenges nobody can use any more, a batch at a time."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
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
        cutoff = now - timedelta(days=older_than)
        doomed = Challenge.objects.filter(purgeable(cutoff, now)).order_by()
        total = batches = 0
        while True:
            # Two statements per batch, each DELETE ... WHERE ... IN (SELECT id ... LIMIT n):
            # bounded, and no row is loaded into Python. The batch's delivery receipts go first
            # (a fast delete: nothing refers to them); the challenges then go with a raw delete,
            # because Django's collector would load every challenge to cascade to receipts that
            # are already gone. The loop ends: every pass deletes what it selected, and rows
            # created meanwhile are newer than the fixed cutoff.
            batch = doomed.values_list("pk", flat=True)[:batch_size]
            with transaction.atomic():
                DeliveryEvent.objects.filter(challenge__in=batch).delete()
                deleted = Challenge.objects.filter(pk__in=batch)._raw_delete(Challenge.objects.db)
            if not deleted:
                break
            total += deleted
            batches += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"Batch {batches}: deleted {_n(deleted, 'challenge')}.")
        self.stdout.write(f"Deleted {_n(total, 'challenge')} in {_n(batches, 'batch')}.")


def _n(count: int, noun: str) -> str:
    plural = noun + ("es" if noun.endswith("h") else "s")
    return f"{count} {noun if count == 1 else plural}"
