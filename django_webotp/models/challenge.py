"""Phone identities and the one-time-code challenges sent to them."""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .codes import check_code, codes_equal, make_code

__all__ = [
    "Challenge",
    "DeliveryEvent",
    "DeliveryStatus",
    "PhoneIdentity",
    "Purpose",
    "Status",
    "Verdict",
]


class Purpose(models.TextChoices):
    """What a code is for; each has its own SMS template, ``django_webotp/sms/<value>.txt``.

    A code made for one purpose never verifies for another: the purpose is part of what the code
    is derived from, and each flow only looks at challenges of its own purpose.
    """

    LOGIN = "login", _("Sign-in")
    TWO_FACTOR = "two_factor", _("Two-step verification")
    PHONE_CHANGE = "phone_change", _("Phone number change")
    CONFIRM = "confirm", _("Action confirmation")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Not sent yet")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Undelivered")
    FAILED = "failed", _("Failed")
    # No SMS on purpose (an unknown number while sign-up is off); looks pending from outside.
    SUPPRESSED = "suppressed", _("Not sent (unknown number)")


class Status(models.TextChoices):
    """A challenge's state as a person or an operator sees it; computed, never stored."""

    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    EXPIRED = "expired", _("Expired")
    LOCKED = "locked", _("Locked")
    INVALIDATED = "invalidated", _("Invalidated")
    FAILED = "failed", _("Delivery failed")


class Verdict(StrEnum):
    """What checking a submitted code concluded."""

    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"
    UNDELIVERED = "undelivered"


class PhoneIdentityQuerySet(models.QuerySet["PhoneIdentity"]):
    def held_by_another(self, phone_number: str, user_id: Any) -> bool:
        """Whether an account other than ``user_id``'s has verified this number."""
        return self.filter(phone_number=str(phone_number)).exclude(user_id=user_id).exists()


class PhoneIdentity(models.Model):
    """A verified phone number that signs a user in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_identities",
        verbose_name=_("user"),
    )
    phone_number = PhoneNumberField(_("phone number"), unique=True)
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PhoneIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone identity")
        verbose_name_plural = _("phone identities")

    def __str__(self) -> str:
        return str(self.phone_number)


def _open() -> Q:
    return Q(consumed_at__isnull=True, invalidated_at__isnull=True)


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def open(self) -> ChallengeQuerySet:
        """Neither used nor replaced (may still be expired or locked)."""
        return self.filter(_open())

    def with_status(self, status: str) -> ChallengeQuerySet:
        """Challenges whose computed ``status`` is ``status`` (same precedence as the property)."""
        now = timezone.now()
        rules = [
            (Status.VERIFIED, Q(consumed_at__isnull=False)),
            (Status.FAILED, Q(delivery_status=DeliveryStatus.FAILED)),
            (Status.INVALIDATED, Q(invalidated_at__isnull=False)),
            (Status.LOCKED, Q(attempts__gte=F("max_attempts"))),
            (Status.EXPIRED, Q(expires_at__lte=now)),
            (Status.PENDING, Q()),
        ]
        earlier = Q()
        for name, rule in rules:
            if name == status:
                return self.filter(earlier & rule)
            earlier &= ~rule
        raise ValueError(f"Unknown challenge status: {status!r}")

    def pending(self) -> ChallengeQuerySet:
        """Could still be verified right now."""
        return self.open().filter(expires_at__gt=timezone.now(), attempts__lt=F("max_attempts"))


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

        A partial unique index allows one open challenge per (number, purpose); when two requests
        race, the loser's insert fails and it retries, replacing the winner's challenge in turn.
        The UPDATE and the INSERT each commit on their own (two round trips, not four with
        BEGIN and COMMIT): a pass that loses the race is simply repeated, and the challenge it
        closed was being replaced anyway. Inside a caller's transaction (ATOMIC_REQUESTS) the
        INSERT gets a savepoint, so a lost race leaves that transaction usable.
        """
        using = router.db_for_write(self.model)
        connection = transaction.get_connection(using)
        for attempt in range(3):
            self.filter(_open(), phone_number=challenge.phone, purpose=challenge.purpose).update(
                invalidated_at=timezone.now()
            )
            guard = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
            try:
                with guard:
                    challenge.save(force_insert=True, using=using)
                    return challenge
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover


class Challenge(models.Model):
    """One code sent to one phone number for one purpose; used at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone_number = PhoneNumberField(_("phone number"))
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
        help_text=_("The account the code is for, when it is known before the code is checked."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    code_length = models.PositiveSmallIntegerField(_("code length"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"))
    consumed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    delivery_status = models.CharField(
        _("delivery status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    delivery_error = models.CharField(_("delivery error"), max_length=255, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=128, blank=True)
    delivery_backend = models.CharField(
        _("SMS backend"),
        max_length=32,
        blank=True,
        help_text=_("The backend that took the message (with failover, the one that succeeded)."),
    )
    delivery_error_code = models.CharField(
        _("provider error code"),
        max_length=32,
        blank=True,
        help_text=_("The error code of the provider's latest delivery receipt, if any."),
    )
    requesting_ip = models.GenericIPAddressField(_("requesting IP"), null=True, blank=True)
    # A confirmation's action (django_webotp.confirm): a keyed digest of exactly what is being
    # confirmed, which the code is derived from, and the words the SMS and the page show.
    action_digest = models.CharField(_("action digest"), max_length=64, blank=True, editable=False)
    action_description = models.CharField(
        _("action"),
        max_length=160,
        blank=True,
        help_text=_("What a confirmation code confirms, in the words its SMS used."),
    )

    objects = ChallengeManager()

    #: Whether the last ``verify()`` on this instance counted an attempt (its UPDATE won).
    attempt_counted = False

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="webotp_challenge_created"),
            # Delivery receipts find their challenge by the provider's message id.
            models.Index(fields=["provider_message_id"], name="webotp_challenge_provider_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_number", "purpose"],
                condition=Q(consumed_at__isnull=True, invalidated_at__isnull=True),
                name="webotp_one_open_challenge",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.phone_number} ({self.get_status_display()})"

    @property
    def status(self) -> Status:
        if self.consumed_at:
            return Status.VERIFIED
        if self.delivery_status == DeliveryStatus.FAILED:
            return Status.FAILED
        if self.invalidated_at:
            return Status.INVALIDATED
        if self.attempts >= self.max_attempts:
            return Status.LOCKED
        if self.expires_at <= timezone.now():
            return Status.EXPIRED
        return Status.PENDING

    def get_status_display(self) -> str:
        return str(Status(self.status).label)

    @cached_property
    def phone(self) -> str:
        """``str(phone_number)``, worked out once: phonenumbers re-validates on every ``str()``."""
        return str(self.phone_number)

    @property
    def attempts_left(self) -> int:
        return max(self.max_attempts - self.attempts, 0)

    def mark_failed(self, error: str) -> None:
        """Record a failed delivery and close the challenge, so it never looks usable.

        Like ``mark_sent()``, it updates the row if there is one yet; on a challenge not saved
        yet it only sets the fields, and the INSERT records them.
        """
        self.delivery_status = DeliveryStatus.FAILED
        self.delivery_error = error[:255]
        self.invalidated_at = self.invalidated_at or timezone.now()
        self._save_if_saved(["delivery_status", "delivery_error", "invalidated_at"])

    def mark_sent(self, provider_message_id: str = "", backend: str = "") -> None:
        self.delivery_status = DeliveryStatus.SENT
        self.provider_message_id = provider_message_id[:128]
        self.delivery_backend = backend[:32]
        self._save_if_saved(["delivery_status", "provider_message_id", "delivery_backend"])

    def _save_if_saved(self, fields: list[str]) -> None:
        if not self._state.adding:
            self.save(update_fields=fields)

    def make_code(self) -> str:
        """The code to send. Computed from SECRET_KEY on demand; never stored."""
        return make_code(
            str(self.pk), self.purpose, self.phone, self.code_length, self.action_digest
        )

    def verify(self, submitted: str, *, fixed_code: str | None = None) -> Verdict:
        """Judge a submitted code; counts the attempt and uses the challenge up, atomically.

        Each outcome is one conditional UPDATE whose row count decides, so concurrent submits
        can neither use a code twice nor slip a guess past the attempt limit. The UPDATE names
        the attempt count it read: when a concurrent guess got there first it matches nothing,
        and this guess reloads and tries again as the next attempt. Each judged guess so knows
        its own place (the "attempts left" it reports, whether it was the one that locked the
        challenge); the loop ends because every miss means another guess was counted or the
        challenge closed, at most ``max_attempts + 1`` times. ``fixed_code`` (a
        WEBOTP_TEST_NUMBERS number's code) replaces the derived code; the same UPDATEs judge it.
        """
        self.attempt_counted = False
        if fixed_code is not None:
            correct = codes_equal(fixed_code, submitted)
        else:
            correct = check_code(
                str(self.pk),
                self.purpose,
                self.phone,
                self.code_length,
                submitted,
                self.action_digest,
            )
        for _round in range(self.max_attempts + 1):
            if self.status is not Status.PENDING:
                break
            now = timezone.now()
            judged = Challenge.objects.filter(
                _open(), pk=self.pk, expires_at__gt=now, attempts=self.attempts
            )
            changes: dict[str, Any] = {"attempts": self.attempts + 1}
            if correct:
                changes["consumed_at"] = now
            if judged.update(**changes):
                self.attempt_counted = True
                self.attempts += 1
                if correct:
                    self.consumed_at = now
                    return Verdict.VERIFIED
                return Verdict.LOCKED if self.attempts >= self.max_attempts else Verdict.WRONG
            self.refresh_from_db()
        return self._verdict_for_closed()

    def _verdict_for_closed(self) -> Verdict:
        status = self.status
        if status is Status.VERIFIED:
            return Verdict.USED
        if status is Status.FAILED:
            return Verdict.UNDELIVERED
        if status is Status.INVALIDATED:
            return Verdict.REPLACED
        if status is Status.LOCKED:
            return Verdict.LOCKED
        return Verdict.EXPIRED


class DeliveryEvent(models.Model):
    """One delivery receipt from a provider: the challenge's delivery timeline."""

    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.CASCADE,
        related_name="delivery_events",
        verbose_name=_("challenge"),
    )
    provider = models.CharField(_("provider"), max_length=32)
    # Blank when the provider's status has no counterpart of ours; raw_status keeps it anyway.
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, blank=True
    )
    raw_status = models.CharField(_("provider status"), max_length=64)
    error_code = models.CharField(_("provider error code"), max_length=32, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["received_at", "pk"]
        constraints = [
            # The same receipt delivered twice is recorded once.
            models.UniqueConstraint(
                fields=["challenge", "provider", "raw_status", "error_code"],
                name="webotp_delivery_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.raw_status} ({self.received_at:%Y-%m-%d %H:%M:%S})"
