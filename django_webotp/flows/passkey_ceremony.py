"""A passkey ceremony's parts: the relying party it is bound to, and where its challenge waits.

A registration's challenge is kept in the session (the account is signed in, so it has one),
bound to the account. A sign-in's is kept in the browser's pending cookie
(``flows.pending``), as the code step's is: a visitor of the phone page, whose browser asks
for sign-in options as the page loads (autofill), then costs no session row. Either is bound to
its kind (``"register"`` or ``"sign_in"``), and ``take`` removes it before the answer is checked
and refuses it after WEBOTP_PASSKEY_TIMEOUT seconds. A cookie can be sent again, so a sign-in's
single use is also the database's: a sign-in records when its challenge was issued on the
passkey (``Passkey.last_challenge_issued``), and one whose challenge is not newer than the last
is refused (``flows.passkeys``). Refusals raise ``PasskeyRefused`` with a stable ``code`` and a
sentence for the person.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ..conf import webotp_settings
from ..exceptions import WebOTPError
from . import pending

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
    "Ceremony",
    "PasskeyRefused",
    "available",
    "begin",
    "origins",
    "relying_party_id",
    "require_library",
    "rp_name",
    "take",
]

#: The key, in the session or the pending cookie, of the ceremony under way: its kind,
#: challenge, account, when it was issued and its deadline.
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


@dataclass(frozen=True)
class Ceremony:
    """A ceremony's challenge, taken out of its store, and when it was issued (microseconds
    since the epoch)."""

    challenge: bytes
    issued: int


def _store(request: HttpRequest, kind: str) -> Any:
    """Where a ceremony of ``kind`` waits: a sign-in's in the pending cookie, others' in the
    session (both take ``[key] = value`` and ``pop(key, default)``)."""
    return pending.states(request) if kind == "sign_in" else request.session


def begin(request: HttpRequest, kind: str, challenge: bytes, user: Any = None) -> None:
    _store(request, kind)[SESSION_KEY] = {
        "kind": kind,
        "challenge": bytes_to_base64url(challenge),
        "user": None if user is None else str(user.pk),
        "issued": time.time_ns() // 1000,
        "until": time.time() + int(webotp_settings.PASSKEY_TIMEOUT),
    }


def take(request: HttpRequest, kind: str, user: Any = None) -> Ceremony:
    """This browser's ceremony of ``kind``, taken out; refused if none or too old."""
    ceremony = _store(request, kind).pop(SESSION_KEY, None)
    if (
        not isinstance(ceremony, dict)
        or ceremony.get("kind") != kind
        or ceremony.get("user") != (None if user is None else str(user.pk))
        or not isinstance(ceremony.get("until"), (int, float))
        or not isinstance(ceremony.get("issued"), int)
        or ceremony["until"] < time.time()
    ):
        raise PasskeyRefused("no_ceremony")
    return Ceremony(base64url_to_bytes(str(ceremony["challenge"])), ceremony["issued"])
