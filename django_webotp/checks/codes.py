"""Checks of the code's settings: its length, lifetime, attempts and resend cooldown."""

from __future__ import annotations

from django.core.checks import Error

from ..conf import webotp_settings
from .messages import E002, E005

__all__ = ["code_errors"]


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def code_errors() -> list:
    errors = []
    length = webotp_settings.CODE_LENGTH
    if not _positive_int(length) or not 4 <= length <= 10:
        errors.append(Error(E002, id="webotp.E002"))
    for name in ("CODE_TTL", "MAX_ATTEMPTS"):
        if not _positive_int(getattr(webotp_settings, name)):
            errors.append(Error(E005.format(name=f"WEBOTP_{name}"), id="webotp.E005"))
    resend = webotp_settings.RESEND_COOLDOWN
    if not isinstance(resend, int) or isinstance(resend, bool) or resend < 0:
        errors.append(Error(E005.format(name="WEBOTP_RESEND_COOLDOWN"), id="webotp.E005"))
    return errors
