"""How challenges are found and issued: the open, pending and by-status querysets, and the
manager that replaces a number's open challenge with a new one."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from . import locks
from .choices import DeliveryStatus, Purpose, Status

if TYPE_CHECKING:
    from .challenge import Challenge

__all__ = ["ChallengeManager", "ChallengeQuerySet", "open_q"]


def open_q() -> Q:
    """Neither used nor replaced: the condition of the one open challenge per number and
    purpose."""
    return Q(consumed_at__isnull=True, invalidated_at__isnull=True)


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def open(self) -> ChallengeQuerySet:
        """Neither used nor replaced (may still be expired or locked)."""
        return self.filter(open_q())

    def with_status(self, status: str) -> ChallengeQuerySet:
        """Challenges whose computed ``status`` is ``status`` (same precedence as the property;
        expiry by the database's clock, as ``verify`` judges it)."""
        rules = [
            (Status.VERIFIED, Q(consumed_at__isnull=False)),
            (Status.FAILED, Q(delivery_status=DeliveryStatus.FAILED)),
            (Status.INVALIDATED, Q(invalidated_at__isnull=False)),
            (Status.LOCKED, Q(attempts__gte=F("max_attempts"))),
            (Status.EXPIRED, Q(expires_at__lte=Now())),
            (Status.PENDING, Q()),
        ]
        earlier = Q()
        for name, rule in rules:
            if name == status:
                return self.filter(earlier & rule)
            earlier &= ~rule
        raise ValueError(f"Unknown challenge status: {status!r}")

    def queued(self) -> ChallengeQuerySet:
        """Waiting for a task worker to take the send."""
        return self.filter(delivery_status=DeliveryStatus.QUEUED)

    def pending(self) -> ChallengeQuerySet:
        """Could still be verified right now (by the database's clock, as ``verify`` judges)."""
        return self.open().filter(expires_at__gt=Now(), attempts__lt=F("max_attempts"))


class ChallengeManager(models.Manager.from_queryset(ChallengeQuerySet)):  # type: ignore[misc]
    def issue(self, phone_number: str, purpose: str = Purpose.LOGIN, **fields: Any) -> Challenge:
        """Replace any open challenge for this number and purpose with a new one (``build()``'s
        arguments), saved."""
        return self.replace_open(self.build(phone_number, purpose, **fields))

    def build(
        self,
        phone_number: str,
        purpose: str = Purpose.LOGIN,
        *,
        ttl: int,
        max_attempts: int,
        code_length: int,
        requesting_ip: str | None = None,
        user=None,
        delivery_status: str = DeliveryStatus.PENDING,
        action_digest: str = "",
        action_description: str = "",
    ) -> Challenge:
        """A new challenge, not saved yet: its id, and so its code, exist before its row does."""
        now = timezone.now()
        return self.model(
            phone_number=phone_number,
            purpose=purpose,
            user=user,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
            max_attempts=max_attempts,
            code_length=code_length,
            requesting_ip=requesting_ip,
            delivery_status=delivery_status,
            action_digest=action_digest,
            action_description=action_description,
        )

    def replace_open(self, challenge: Challenge) -> Challenge:
        """Save the new ``challenge``, closing any other open one of its number and purpose.

        Both happen in one transaction that no other start for this number and purpose can
        enter (``locks.replacing``), and that commits before any SMS goes out: every SMS then
        has its row, even if the process dies during the send. A partial unique index allows
        one open challenge per (number, purpose); should an insert still lose a race (a caller's
        own transaction holding an earlier one uncommitted), it gets a savepoint and is retried.
        """
        using = router.db_for_write(self.model)
        with locks.replacing(challenge.phone, challenge.purpose, using):
            for attempt in range(3):
                self.filter(
                    open_q(), phone_number=challenge.phone, purpose=challenge.purpose
                ).update(invalidated_at=timezone.now())
                try:
                    with transaction.atomic(using=using):
                        challenge.save(force_insert=True, using=using)
                        return challenge
                except IntegrityError:
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def claim(self, challenge: Challenge) -> bool:
        """Whether ``challenge`` is still the open one, not sent yet; run first in
        ``locks.sending``, this UPDATE also locks its row until the outcome is recorded."""
        return bool(
            self.filter(open_q(), pk=challenge.pk, delivery_status=DeliveryStatus.PENDING).update(
                delivery_status=DeliveryStatus.PENDING
            )
        )
