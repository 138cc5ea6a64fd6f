"""Sends that stalled in the task queue, settled: none reads "Sending your code…" for ever.

With ``WEBOTP_DELIVERY = "task"`` a challenge waits as "queued" until a worker takes it (one
conditional UPDATE to "pending", stamped ``claimed_at``), sends its SMS and records the outcome.
What can go wrong, and what settles it here:

- The worker dies or hangs mid-send: a send pending longer than WEBOTP_SEND_LEASE is closed as
  failed (one conditional UPDATE naming the claim, so of two sweepers exactly one closes it and
  announces it), and a new code may be asked for at once. A worker that finishes after that
  records nothing: its claim is gone.
- The challenge expired, or was replaced by a newer code, before any worker took it: it gets
  its own delivery status (``queue_expired``, ``queue_replaced``), and no SMS.
- No worker runs at all: the oldest queued code's age passes WEBOTP_QUEUE_STALL_AFTER, and
  ``sweep()`` sends ``signals.delivery_stalled`` (the webotp.W041 check says it too).

``manage.py webotp_sweep`` runs ``sweep()``; a code page that reads a stalled challenge settles
that one on the spot (``settle()``), so a person never waits on a sweeper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, F, Min, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import signals
from ..conf import webotp_settings
from ..exceptions import SmsDeliveryError
from ..models import Challenge, DeliveryStatus, Status
from . import send

__all__ = ["Sweep", "close_lapsed", "queue_age", "settle", "sweep", "withdraw"]


@dataclass(frozen=True)
class Sweep:
    """What one sweep did, and how the queue stands."""

    lapsed: int  # sends a worker took and never finished, closed as failed
    expired: int  # queued codes that expired (or locked) before a worker took them
    replaced: int  # queued codes replaced by a newer one before a worker took them
    queued: int  # codes waiting for a worker now
    oldest_age: float | None  # seconds the oldest of them has waited (None: none waits)

    @property
    def stalled(self) -> bool:
        return self.oldest_age is not None and self.oldest_age > webotp_settings.QUEUE_STALL_AFTER


def lease_cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=webotp_settings.SEND_LEASE)


def _since(challenge: Challenge) -> datetime:
    """When a pending send began: its task worker's claim, or, for a send made in the request
    (whose claim rolls back with a killed worker's transaction), the challenge's creation."""
    return challenge.claimed_at or challenge.created_at


def _lapsed_q(cutoff: datetime) -> Q:
    return Q(claimed_at__lte=cutoff) | Q(claimed_at__isnull=True, created_at__lte=cutoff)


def close_lapsed(challenge: Challenge, now: datetime | None = None) -> bool:
    """Close a send whose lease ran out as failed; False if it was not this call's to close.

    The UPDATE names the claim it read: a worker that records its outcome first, or another
    sweeper that closes it first, makes it match nothing, so exactly one caller announces it.
    """
    now = now or timezone.now()
    cutoff = lease_cutoff(now)
    if _since(challenge) > cutoff:
        return False
    error = f"lease: no outcome {webotp_settings.SEND_LEASE} s after the send began"
    closed = Challenge.objects.filter(
        _lapsed_q(cutoff),
        pk=challenge.pk,
        delivery_status=DeliveryStatus.PENDING,
        claimed_at=challenge.claimed_at,
    ).update(
        delivery_status=DeliveryStatus.FAILED,
        delivery_error=error[:255],
        invalidated_at=Coalesce(F("invalidated_at"), Value(now, output_field=DateTimeField())),
    )
    if not closed:
        return False
    challenge.refresh_from_db(fields=["delivery_status", "delivery_error", "invalidated_at"])
    send.announce(challenge, None, ("lease", SmsDeliveryError(error, reason="lease")))
    return True


def withdraw(challenge_id: object) -> str:
    """Record why a queued challenge a worker may not send gets no SMS; its new status, or
    "skipped" when it is not queued any more (another run took it, or it is gone)."""
    queued = Challenge.objects.filter(pk=challenge_id, delivery_status=DeliveryStatus.QUEUED)
    if queued.filter(invalidated_at__isnull=False).update(
        delivery_status=DeliveryStatus.QUEUE_REPLACED
    ):
        return DeliveryStatus.QUEUE_REPLACED
    if queued.update(delivery_status=DeliveryStatus.QUEUE_EXPIRED):
        return DeliveryStatus.QUEUE_EXPIRED
    return "skipped"


def settle(challenge: Challenge, now: datetime | None = None) -> Challenge:
    """``challenge``, its stalled send settled first if it has one (no query otherwise)."""
    now = now or timezone.now()
    status = challenge.delivery_status
    if status == DeliveryStatus.QUEUED and challenge.status is not Status.PENDING:
        withdraw(challenge.pk)
        challenge.refresh_from_db(fields=["delivery_status"])
    elif (
        status == DeliveryStatus.PENDING
        and _since(challenge) <= lease_cutoff(now)
        and not close_lapsed(challenge, now)
    ):
        challenge.refresh_from_db()  # a worker or a sweeper settled it first: read what it says
    return challenge


def lapsed_claims(now: datetime, limit: int) -> list[Challenge]:
    """Sends begun longer than the lease ago, oldest first, at most ``limit``."""
    lapsed = Challenge.objects.filter(
        _lapsed_q(lease_cutoff(now)), delivery_status=DeliveryStatus.PENDING
    )
    return list(lapsed.order_by(Coalesce("claimed_at", "created_at"))[:limit])


def queue_age(now: datetime | None = None) -> tuple[int, float | None]:
    """How many codes wait for a worker, and the seconds the oldest has waited (None: none)."""
    now = now or timezone.now()
    found = Challenge.objects.queued().aggregate(count=Count("pk"), oldest=Min("created_at"))
    if found["oldest"] is None:
        return 0, None
    return found["count"], max((now - found["oldest"]).total_seconds(), 0.0)


def sweep(now: datetime | None = None, limit: int = 1000) -> Sweep:
    """Settle every stalled send (at most ``limit`` lapsed ones per call) and report the queue;
    sends ``signals.delivery_stalled`` when the oldest queued code has waited too long."""
    now = now or timezone.now()
    lapsed = sum(close_lapsed(challenge, now) for challenge in lapsed_claims(now, limit))
    queued = Challenge.objects.queued()
    replaced = queued.filter(invalidated_at__isnull=False).update(
        delivery_status=DeliveryStatus.QUEUE_REPLACED
    )
    closed = Q(expires_at__lte=now) | Q(attempts__gte=F("max_attempts"))
    expired = queued.filter(closed | Q(consumed_at__isnull=False)).update(
        delivery_status=DeliveryStatus.QUEUE_EXPIRED
    )
    count, age = queue_age(now)
    result = Sweep(lapsed, expired, replaced, count, age)
    if result.stalled:
        signals.delivery_stalled.send(sender=Challenge, age=age, queued=count)
    return result
