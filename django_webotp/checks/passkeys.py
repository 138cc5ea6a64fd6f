"""Checks of the passkey settings: the library, the relying party id and secure origins."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from ..conf import webotp_settings
from ..flows.passkey_ceremony import available
from .messages import E100, E100_HINT, E101, E101_HINT, E102, W100, W101

__all__ = ["passkey_problems"]


def passkey_problems() -> list[CheckMessage]:
    if not webotp_settings.PASSKEYS:
        return []
    problems: list[CheckMessage] = []
    if not available():
        problems.append(Error(E100, hint=E100_HINT, id="webotp.E100"))
    rp_id = webotp_settings.PASSKEY_RP_ID
    if not settings.DEBUG and not rp_id:
        problems.append(Error(E101, hint=E101_HINT, id="webotp.E101"))
    if not settings.DEBUG:
        for origin in webotp_settings.PASSKEY_ORIGINS or ():
            if not str(origin).startswith("https://"):
                problems.append(Error(E102.format(origin=origin), id="webotp.E102"))
    if rp_id and not any(_may_serve(str(host), str(rp_id)) for host in settings.ALLOWED_HOSTS):
        problems.append(Warning(W100.format(rp_id=rp_id), id="webotp.W100"))
    if webotp_settings.PASSKEY_RECOVERY_EMAIL and webotp_settings.PASSKEY_SMS != "recovery":
        problems.append(Warning(W101, id="webotp.W101"))
    return problems


def _may_serve(allowed: str, rp_id: str) -> bool:
    """Whether a page on a host ``allowed`` admits (an ALLOWED_HOSTS entry) may use ``rp_id``:
    the page's host must be the relying party id or one of its subdomains."""
    allowed, rp_id = allowed.lower(), rp_id.lower()
    if allowed == "*":
        return True
    if allowed.startswith(".") and (rp_id + ".").endswith(allowed + "."):
        return True  # ".example.com" admits the relying party's own host, a subdomain
    host = allowed.lstrip(".")
    return host == rp_id or host.endswith("." + rp_id)
