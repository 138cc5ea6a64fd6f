"""Checks of sign-in links and their QR code."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from ..conf import webotp_settings
from ..delivery.links import qr_available
from .messages import E063, E064, E065, W060

__all__ = ["link_problems"]

_BASE_URL = re.compile(r"https?://[^/?#@\s]+/?")


def link_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    base = webotp_settings.LINK_BASE_URL
    if base is not None and not (isinstance(base, str) and _BASE_URL.fullmatch(base)):
        problems.append(
            Error(
                E063.format(value=base),
                hint="No path, query or fragment: the app adds its own URL.",
                id="webotp.E063",
            )
        )
    elif base is not None and not settings.DEBUG and not base.startswith("https://"):
        problems.append(
            Error(E064, hint="Links carry sign-in codes: serve them over TLS.", id="webotp.E064")
        )
    configured = base or webotp_settings.DOMAIN
    if webotp_settings.LINK and not settings.DEBUG and not configured:
        problems.append(
            Error(
                E065,
                hint="Set WEBOTP_DOMAIN (or WEBOTP_LINK_BASE_URL): links in an SMS come from "
                "configuration only.",
                id="webotp.E065",
            )
        )
    if webotp_settings.LINK_QR and not qr_available():
        problems.append(Warning(W060, hint="pip install django-webotp[qr]", id="webotp.W060"))
    return problems
