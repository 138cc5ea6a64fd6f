"""The verified phone numbers of users: each one either signs its user in, or is a second step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import webotp_settings
from .fields import NumberField
from .prepared import Prepared, compiled_exists

__all__ = ["PhoneIdentity", "PhoneIdentityQuerySet"]

#: The user fields that keep an account off sign-in by code alone (WEBOTP_STAFF_SMS_SIGNIN).
STAFF_FLAGS = ("is_staff", "is_superuser")


class PhoneIdentityQuerySet(models.QuerySet["PhoneIdentity"]):
    def held_by_another(self, phone_number: str, user_id: Any) -> bool:
        """Whether an account other than ``user_id``'s has verified this number."""
        return self.filter(phone_number=str(phone_number)).exclude(user_id=user_id).exists()

    def may_sign_in(self) -> PhoneIdentityQuerySet:
        """The identities whose code alone signs their user in: the one home of that rule.

        An identity may when it is marked ``can_sign_in`` (numbers made by phone sign-up are;
        numbers added for two-step verification are not), unless its user is staff or a
        superuser and WEBOTP_STAFF_SMS_SIGNIN is off.
        """
        allowed = self.filter(can_sign_in=True)
        if webotp_settings.STAFF_SMS_SIGNIN is not True:
            for flag in _staff_flags():
                allowed = allowed.exclude(**{f"user__{flag}": True})
        return allowed

    def sign_in_code_goes_to(self, phone_number: str) -> bool:
        """Whether a sign-in code is sent to this number.

        Yes when its identity may sign in alone, or when no account has the number and
        WEBOTP_SIGNUP is on. A number that is only a second factor is treated as a number no
        account has while sign-up is off: no SMS, and the same page.
        """
        phone = str(phone_number)
        if _SIGNS_IN.exists(self.model, phone=phone):
            return True
        return bool(webotp_settings.SIGNUP) and not _KNOWN.exists(self.model, phone=phone)


def _staff_flags() -> tuple[str, ...]:
    """The staff fields the site's user model has (a custom model may have neither)."""
    User = get_user_model()
    present = []
    for name in STAFF_FLAGS:
        try:
            field = User._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "concrete", False):
            present.append(name)
    return tuple(present)


class PhoneIdentity(models.Model):
    """A verified phone number of a user: a way to sign in, or a second step after a password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_identities",
        verbose_name=_("user"),
    )
    phone_number = NumberField(_("phone number"), unique=True)
    # False by default: a number is only a second factor unless whoever adds it says it signs in
    # (phone sign-up does). A code to it then never replaces the account's password.
    can_sign_in = models.BooleanField(
        _("signs in alone"),
        default=False,
        help_text=_(
            "Whether a code sent to this number signs its user in without a password. Off: "
            "the number is only the second step after the password."
        ),
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PhoneIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone identity")
        verbose_name_plural = _("phone identities")

    def __str__(self) -> str:
        return str(self.phone_number)


# ``sign_in_code_goes_to``'s two questions, asked on every sign-in start (``prepared``).
_PHONE = {"phone": "phone_number"}
_STAND_IN = {"phone": "+12025550123"}
_SIGNS_IN = Prepared(
    lambda model, using, phone: compiled_exists(
        model.objects.may_sign_in().filter(phone_number=phone), using
    ),
    fields=_PHONE,
    stand_ins=_STAND_IN,
)
_KNOWN = Prepared(
    lambda model, using, phone: compiled_exists(model.objects.filter(phone_number=phone), using),
    fields=_PHONE,
    stand_ins=_STAND_IN,
)
