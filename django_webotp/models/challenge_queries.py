"""How challenges are found and issued: the open, pending and by-status querysets, and the
manager that replaces a number's open challenge with a new one."""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from . import locks
from .choices import DeliveryStatus, Purpose, Status
from .prepared import Prepared, compiled_update, instance_from_row

if TYPE_CHECKING:
    from .challenge import Challenge

__all__ = ["ChallengeManager", "ChallengeQuerySet", "open_q", "returns_updated_rows"]


def open_q() -> Q:
    """Neither used nor replaced: the condition of the one open challenge per number and
    purpose."""
    return Q(consumed_at__isnull=True, invalidated_at__isnull=True)


def returns_updated_rows(connection: Any) -> bool:
    """Whether an UPDATE can return the rows it changed: PostgreSQL, and SQLite from 3.35."""
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        return bool(connection.Database.sqlite_version_info >= (3, 35))
    return False


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

        INSERT first: most starts find no open challenge of their number and purpose, and the
        partial unique index (one open challenge per number and purpose) lets exactly those
        through with one statement, committed before any SMS goes out. Only an INSERT that meets
        an open challenge takes the slow path (``_replace``).
        """
        using = router.db_for_write(self.model)
        # In autocommit the INSERT is its own transaction; inside a caller's transaction a
        # savepoint keeps a conflict from breaking it.
        inside = connections[using].in_atomic_block
        try:
            with transaction.atomic(using=using) if inside else nullcontext():
                challenge.save(force_insert=True, using=using)
        except IntegrityError:
            return self._replace(challenge, using)
        return challenge

    def _replace(self, challenge: Challenge, using: str) -> Challenge:
        """Close the open challenge and insert the new one, in one transaction that no other
        start for this number and purpose can enter (``locks.replacing``): a start that would
        replace a challenge whose SMS is being sent waits for that send (its row lock). Should
        the insert still lose a race (a caller's own transaction holding an earlier one
        uncommitted), it gets a savepoint and is retried."""
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

    def use_up(self, pk: Any, purpose: str, phone: str) -> Challenge | None:
        """Use up the open challenge ``pk`` of ``purpose`` and ``phone``, counting the attempt.

        For a code already known to be right: ``UPDATE … SET attempts = attempts + 1,
        consumed_at = now WHERE <open, unexpired by the database's clock, not locked> RETURNING
        …``, with no SELECT before it. The row count decides, as in ``Challenge.verify``: of
        concurrent uses exactly one gets the row. None when no such challenge is open (used,
        replaced, expired, locked, never this browser's), or when the database cannot return the
        rows an UPDATE changed (``Challenge.verify`` then judges it the long way).
        """
        using = router.db_for_write(self.model)
        connection = connections[using]
        if not returns_updated_rows(connection):
            return None
        values = {"pk": pk, "purpose": purpose, "phone": phone, "now": timezone.now()}
        row = _USE_UP.execute(self.model, lambda cursor: cursor.fetchone(), True, **values)
        return None if row is None else instance_from_row(self.model, using, row)

    def claim(self, challenge: Challenge) -> bool:
        """Whether ``challenge`` is still the open one, not sent yet; run first in
        ``locks.sending``, this UPDATE also locks its row until the outcome is recorded."""
        return bool(_CLAIM.update(self.model, pk=challenge.pk))


def _use_up_sql(model: Any, using: str, pk: Any, purpose: str, phone: str, now: Any) -> Any:
    judged = model.objects.filter(
        open_q(),
        pk=pk,
        purpose=purpose,
        phone_number=phone,
        expires_at__gt=Now(),
        attempts__lt=F("max_attempts"),
    ).exclude(delivery_status=DeliveryStatus.FAILED)  # as ``Challenge._closed`` reads
    sql, params = compiled_update(judged, using, attempts=F("attempts") + 1, consumed_at=now)
    quote = connections[using].ops.quote_name
    returning = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    return f"{sql} RETURNING {returning}", params


# ``use_up``'s UPDATE, run for every right code (``prepared``).
_USE_UP = Prepared(
    _use_up_sql,
    fields={"pk": "pk", "purpose": "purpose", "phone": "phone_number", "now": "consumed_at"},
    stand_ins={
        "pk": uuid.UUID(int=1),
        "purpose": "stand-in",
        "phone": "+12025550123",
        "now": datetime(2000, 1, 1, tzinfo=UTC),
    },
)

# ``claim``'s UPDATE, run once for every code sent (``prepared``).
_CLAIM = Prepared(
    lambda model, using, pk: compiled_update(
        model.objects.filter(open_q(), pk=pk, delivery_status=DeliveryStatus.PENDING),
        using,
        delivery_status=DeliveryStatus.PENDING,
    ),
    fields={"pk": "pk"},
    stand_ins={"pk": uuid.UUID(int=1)},
)
