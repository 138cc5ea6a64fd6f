"""A passkey ceremony's parts: the relying party it is bound to, and its challenge in the session.

A ceremony's challenge is kept under one session key, bound to its kind (``"register"`` or
``"sign_in"``) and, for a registration, to the account. ``take`` removes it before the answer is
checked, so it is used once whatever the outcome, and refuses it after WEBOTP_PASSKEY_TIMEOUT
seconds. Refusals raise ``PasskeyRefused`` with a stable ``code`` and a sentence for the person.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ..conf import webotp_settings
from ..exceptions import WebOTPError

try:  # the optional extra: pip install django-webotp[passkeys]
    import webauthn
    from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
except ImportError:  # pragma: no cover - the tests run with the extra
    webauthn = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "REFUSALS",
    "SESSION_KEY",
    "PasskeyRefused",
    "available",
    "begin",
    "origins",
    "relying_party_id",
    "require_library",
    "rp_name",
    "take",
]

#: The session key of the ceremony under way: its kind, challenge, account and deadline.
SESSION_KEY = "webotp_passkey"

REFUSALS = {
    "no_ceremony": _("This passkey request has expired or was already used. Please try again."),
    "invalid": _("Your passkey's answer could not be checked. Please try again."),
    "unknown": _("This passkey is not registered here. Sign in with your phone number instead."),
    "inactive": _("This account cannot sign in."),
    "cloned": _(
        "This passkey looks copied, so it was refused. Sign in with your phone number instead."
    ),
    "duplicate": _("This passkey is already registered."),
    "not_recent": _(
        "To add a passkey, confirm it is you first: sign in again or type your password."
    ),
}


class PasskeyRefused(WebOTPError):
    """A passkey answer was not accepted; ``code`` is one of ``REFUSALS``' keys."""

    def __init__(self, code: str) -> None:
        super().__init__(str(REFUSALS[code]))
        self.code = code


def available() -> bool:
    """Whether passkeys can work here: py_webauthn is installed."""
    return webauthn is not None


def require_library() -> None:
    if webauthn is None:
        raise ImproperlyConfigured(
            "Passkeys need py_webauthn: pip install 'django-webotp[passkeys]'."
        )


def relying_party_id(request: HttpRequest) -> str:
    """WEBOTP_PASSKEY_RP_ID, or the request's host while DEBUG is on."""
    rp_id = webotp_settings.PASSKEY_RP_ID
    if rp_id:
        return str(rp_id)
    if settings.DEBUG:
        host = request.get_host()
        return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    raise ImproperlyConfigured(
        "Set WEBOTP_PASSKEY_RP_ID to the site's domain: passkeys are bound to it, and outside "
        "DEBUG the request's host is not trusted to say it."
    )


def origins(request: HttpRequest) -> list[str]:
    origins = webotp_settings.PASSKEY_ORIGINS
    if origins:
        return [str(origin) for origin in origins]
    return [f"{request.scheme}://{request.get_host()}"]


def rp_name() -> str:
    return str(webotp_settings.SITE_NAME or webotp_settings.PASSKEY_RP_ID or "django-webotp")


def begin(request: HttpRequest, kind: str, challenge: bytes, user: Any = None) -> None:
    request.session[SESSION_KEY] = {
        "kind": kind,
        "challenge": bytes_to_base64url(challenge),
        "user": None if user is None else str(user.pk),
        "until": time.time() + int(webotp_settings.PASSKEY_TIMEOUT),
    }


def take(request: HttpRequest, kind: str, user: Any = None) -> bytes:
    """The challenge of this session's ceremony of ``kind``, taken out; refused if none."""
    ceremony = request.session.pop(SESSION_KEY, None)
    if (
        not isinstance(ceremony, dict)
        or ceremony.get("kind") != kind
        or ceremony.get("user") != (None if user is None else str(user.pk))
        or not isinstance(ceremony.get("until"), (int, float))
        or ceremony["until"] < time.time()
    ):
        raise PasskeyRefused("no_ceremony")
    return base64url_to_bytes(str(ceremony["challenge"]))
