"""Helpers for a site's own tests: read codes out of the locmem outbox like ``mail.outbox``."""

from __future__ import annotations

import re

from . import sms
from .sms_format import parse_origin_bound_message

__all__ = ["last_code", "last_link", "last_message"]


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


_LINK = re.compile(r"https?://\S+/c/[A-Za-z0-9_-]{32}/#\S+")


def last_link(to: str | None = None) -> str | None:
    """The one-tap sign-in link (``WEBOTP_LINK``) in the newest message to ``to``, if any."""
    message = last_message(to)
    match = _LINK.search(message.body) if message is not None else None
    return match.group(0) if match else None
