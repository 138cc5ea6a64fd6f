"""``manage.py webotp_sweep``: settle sends that stalled in the task queue; run it every minute."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ...delivery import sweep


class Command(BaseCommand):
    help = (
        "With WEBOTP_DELIVERY = 'task': close as failed the sends a worker took and did not "
        "finish within WEBOTP_SEND_LEASE (so a new code may be asked for at once), record the "
        "queued codes that expired or were replaced before a worker sent them, and send the "
        "delivery_stalled signal when the oldest queued code has waited longer than "
        "WEBOTP_QUEUE_STALL_AFTER. Run it every minute (cron, a systemd timer)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=1000,
            metavar="N",
            help="At most N lapsed sends closed per run (default 1000).",
        )

    def handle(self, *args, limit: int, **options) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        done = sweep.sweep(limit=limit)
        self.stdout.write(
            f"Closed {done.lapsed} stalled sends as failed; {done.expired} queued codes expired "
            f"and {done.replaced} were replaced before a worker sent them; {done.queued} waiting."
        )
        if done.stalled:
            self.stderr.write(
                f"The oldest queued code has waited {int(done.oldest_age or 0)} s for a worker: "
                "are the task workers running?"
            )
