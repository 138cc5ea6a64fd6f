"""The verified phone numbers that sign users in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

__all__ = ["PhoneIdentity"]


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
