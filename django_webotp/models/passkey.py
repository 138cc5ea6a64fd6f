"""Passkeys (WebAuthn credentials) that sign their user in without an SMS.

Only public material is kept: the credential id, its public key and counters. The user handle a
passkey is registered under is a random per-user id, never the phone number or the user's pk, so
an authenticator that lists its passkeys reveals nothing about the account.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Passkey", "PasskeyQuerySet", "PasskeyUser"]

#: Bytes of a user handle (WebAuthn allows up to 64).
HANDLE_BYTES = 32


class PasskeyUser(models.Model):
    """The random user handle an account's passkeys are registered under."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webotp_passkey_user"
    )
    handle = models.BinaryField(max_length=64, unique=True, editable=False)
    # When a recovery by SMS began waiting out WEBOTP_PASSKEY_RECOVERY_WAIT (flows.recovery).
    recovery_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("passkey user handle")
        verbose_name_plural = _("passkey user handles")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def handle_for(cls, user) -> bytes:
        """The user's handle, made on first use."""
        owner, _created = cls.objects.get_or_create(
            user=user, defaults={"handle": secrets.token_bytes(HANDLE_BYTES)}
        )
        return bytes(owner.handle)


class PasskeyQuerySet(models.QuerySet["Passkey"]):
    def for_user(self, user) -> PasskeyQuerySet:
        return self.filter(user=user).order_by("created_at")


class Passkey(models.Model):
    """One registered credential: what verifying its assertions needs, and what a person sees."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webotp_passkeys"
    )
    credential_id = models.BinaryField(max_length=1023, unique=True, editable=False)
    public_key = models.BinaryField(editable=False)
    sign_count = models.PositiveBigIntegerField(default=0, editable=False)
    # Transports the browser reported at registration ("internal", "hybrid", "usb"...): given
    # back in allowCredentials and excludeCredentials so the browser knows where to look.
    transports = models.JSONField(default=list, blank=True, editable=False)
    aaguid = models.CharField(max_length=36, blank=True, editable=False)
    # Backup eligible: a synced passkey (a password manager, iCloud Keychain) rather than one
    # bound to a single device. Backed up: it is synced now.
    backup_eligible = models.BooleanField(default=False, editable=False)
    backed_up = models.BooleanField(default=False, editable=False)
    name = models.CharField(_("name"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    # When the challenge of its last sign-in was issued (microseconds since the epoch): a
    # sign-in must answer a newer one, so an answer sent again is refused (flows.passkeys).
    last_challenge_issued = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = PasskeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["user", "created_at"]

    def __str__(self) -> str:
        return self.name or str(_("Passkey added %(date)s") % {"date": self.created_at.date()})

    @property
    def synced(self) -> bool:
        """Whether this passkey can live on several devices (backup eligible)."""
        return self.backup_eligible
