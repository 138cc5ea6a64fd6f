"""The one-time-code challenge: one code sent to one number for one purpose, used at most once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..codes import check_code, codes_equal, make_code
from .challenge_queries import ChallengeManager, open_q
from .choices import DeliveryStatus, Purpose, Status, Verdict
from .fields import NumberField

__all__ = ["Challenge"]


class Challenge(models.Model):
    """One code sent to one phone number for one purpose; used at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone_number = NumberField(_("phone number"))
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
    # When a task worker took the send: a send pending for longer than WEBOTP_SEND_LEASE is
    # closed as failed (delivery.sweep), so nobody waits on "Sending your code…" for ever.
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
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
    #: The ``claimed_at`` of the task worker's claim this instance sends under: its outcome is
    #: then recorded only while that claim holds (a sweeper may have closed the send as failed).
    claim: datetime | None = None
    #: False when ``mark_sent()``/``mark_failed()`` came after the claim was lost: not recorded.
    outcome_recorded = True

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="webotp_challenge_created"),
            # Delivery receipts find their challenge by the provider's message id.
            models.Index(fields=["provider_message_id"], name="webotp_challenge_provider_id"),
            # The sends in flight (queued, or taken by a worker): the sweeper and the
            # dashboard read only these, however long the history.
            models.Index(
                fields=["created_at"],
                condition=Q(delivery_status__in=[DeliveryStatus.QUEUED, DeliveryStatus.PENDING]),
                name="webotp_challenge_in_flight",
            ),
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
        if self._state.adding:
            return
        if self.claim is None:
            self.save(update_fields=fields)
            return
        held = Challenge.objects.filter(
            pk=self.pk, delivery_status=DeliveryStatus.PENDING, claimed_at=self.claim
        )
        self.outcome_recorded = bool(held.update(**{name: getattr(self, name) for name in fields}))

    def make_code(self) -> str:
        """The code to send. Computed from SECRET_KEY on demand; never stored."""
        return make_code(
            str(self.pk), self.purpose, self.phone, self.code_length, self.action_digest
        )

    def verify(
        self, submitted: str, *, fixed_code: str | None = None, replaced_id: str | None = None
    ) -> Verdict:
        """Judge a submitted code; counts the attempt and uses the challenge up, atomically.

        Each outcome is one conditional UPDATE whose row count decides, so concurrent submits
        can neither use a code twice nor slip a guess past the attempt limit. The UPDATE names
        the attempt count it read: when a concurrent guess got there first it matches nothing,
        and this guess reloads and tries again as the next attempt. Each judged guess so knows
        its own place (the "attempts left" it reports, whether it was the one that locked the
        challenge); the loop ends because every miss means another guess was counted or the
        challenge closed, at most ``max_attempts + 1`` times. Expiry is the database's clock
        (``Now()`` in the UPDATE), the same for every web node whatever its own clock says.
        ``fixed_code`` (a WEBOTP_TEST_NUMBERS number's code) replaces the derived code; the same
        UPDATEs judge it. ``replaced_id``: the challenge this one replaced in the person's
        session; its code, typed while this one is open, is answered SUPERSEDED and costs no
        attempt (see ``_is_replaced_code``).
        """
        self.attempt_counted = False
        if fixed_code is not None:
            correct = codes_equal(fixed_code, submitted)
        else:
            correct = self._is_code(submitted)
        told_apart = not correct and fixed_code is None and not self._closed()
        if told_apart and replaced_id and self._is_replaced_code(replaced_id, submitted):
            return Verdict.SUPERSEDED
        for _round in range(self.max_attempts + 1):
            if self._closed():
                break
            judged = Challenge.objects.filter(
                open_q(), pk=self.pk, expires_at__gt=Now(), attempts=self.attempts
            )
            now = timezone.now()
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
            read = self.attempts
            self.refresh_from_db()
            if self.attempts == read and not self._closed():
                return Verdict.EXPIRED  # nothing else changed: the database's clock says expired
        return self._verdict_for_closed()

    def _is_code(self, submitted: str) -> bool:
        return check_code(
            str(self.pk), self.purpose, self.phone, self.code_length, submitted, self.action_digest
        )

    def _closed(self) -> bool:
        """Whether this challenge takes no more codes, whatever the clock says (its expiry is
        left to the database's clock)."""
        return bool(
            self.consumed_at
            or self.invalidated_at
            or self.delivery_status == DeliveryStatus.FAILED
            or self.attempts >= self.max_attempts
        )

    def _is_replaced_code(self, replaced_id: str, submitted: str) -> bool:
        """Whether ``submitted`` is the code of ``replaced_id``, the challenge this one replaced.

        Bounded: that one challenge only (one primary-key read), only if it was replaced (not
        used, not a failed send), is of this number, purpose, account and action, is older than
        this one, and would still be unexpired by the database's clock. Compared in constant
        time, like any code.
        """
        try:
            previous = (
                Challenge.objects.filter(
                    pk=replaced_id,
                    phone_number=self.phone_number,
                    purpose=self.purpose,
                    user_id=self.user_id,
                    action_digest=self.action_digest,
                    created_at__lt=self.created_at,
                    consumed_at__isnull=True,
                    invalidated_at__isnull=False,
                    expires_at__gt=Now(),
                )
                .exclude(delivery_status=DeliveryStatus.FAILED)
                .get()
            )
        except (Challenge.DoesNotExist, ValidationError, ValueError):
            return False
        return previous._is_code(submitted)

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
