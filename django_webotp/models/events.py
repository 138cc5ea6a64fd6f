"""Providers' delivery receipts, each one row of a challenge's delivery timeline."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .challenge import Challenge
from .choices import DeliveryStatus

__all__ = ["DeliveryEvent"]


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
