"""Helpers for a site's own tests: read codes out of the locmem outbox like ``mail.outbox``."""

from __future__ import annotations

from . import sms
from .sms_format import parse_origin_bound_message

__all__ = ["last_code", "last_message"]


def last_message(to: str | None = None) -> sms.SmsMessage | None:
    """The newest message in ``django_webotp.sms.outbox`` (to ``to``, if given)."""
    for message in reversed(sms.outbox):
        if to is None or message.to == str(to):
            return message
    return None


def last_code(to: str | None = None) -> str | None:
    """The code in the newest message to ``to``, read with the browsers' own parsing rules."""
    message = last_message(to)
    if message is None:
        return None
    parsed = parse_origin_bound_message(message.body)
    return parsed.code if parsed else None
