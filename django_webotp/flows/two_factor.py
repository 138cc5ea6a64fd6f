"""Two-step verification: after a password login, a code sent to the user's phone.

Django's own ``LoginView`` signs the person in with the password as usual; until they enter a
code sent to their verified phone (a ``PhoneIdentity``) the session is only *partly* signed in.
A view that requires the second step never sees such a session (``decorators`` and
``middleware`` see to that); this module keeps the state they read.

What counts as the second step, per session: a code entered on the code page; a phone number
verified by code while enrolling (a user who had none); or a browser remembered by its signed
cookie (``WEBOTP_TWO_FACTOR_REMEMBER_DAYS``).

A session signed in with a passkey that verified its user (``flows.passkeys``) is fully signed
in: the passkey is the strong factor. A session signed in by a phone code alone
(``PhoneOTPBackend``) has proved one factor, never two:
its state is ``ONE_FACTOR``, and a view that requires the second step refuses it rather than
send a second SMS to the same phone (two codes to one phone are still one factor). Such an
account signs in with its password and a code to reach those views.
"""

from __future__ import annotations

import time
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

from ..backends import PhoneOTPBackend
from ..conf import webotp_settings
from ..models import PhoneIdentity, Purpose
from ..purposes import spec

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

__all__ = [
    "State",
    "get_state",
    "is_verified",
    "mark_verified",
    "real_user",
    "remember_days",
    "remember_device",
    "user_phone",
]

#: The session key that says which user passed the second step in this session, and how.
VERIFIED_SESSION_KEY = "webotp_2fa_verified"
#: The session key of the code page's challenge.
SESSION_KEY = spec(Purpose.TWO_FACTOR).session_key
PHONE_BACKEND = "django_webotp.backends.PhoneOTPBackend"
_DEVICE_SALT = "django_webotp.two_factor.device"
WITHOUT_PHONE_CHOICES = ("enroll", "deny", "allow")


class State(StrEnum):
    """Where a request's session stands with the second step."""

    ANONYMOUS = "anonymous"  # not signed in at all
    VERIFIED = "verified"  # fully signed in
    NOT_NEEDED = "not_needed"  # no phone, and WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    PENDING = "pending"  # password given, code not yet: only partly signed in
    ONE_FACTOR = "one_factor"  # signed in by a phone code alone: not two-step verified


def user_phone(user: Any) -> str | None:
    """The number a user's codes go to: their most recently verified one, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    numbers = PhoneIdentity.objects.filter(user=user).order_by("-verified_at", "-pk")
    number = numbers.values_list("phone_number", flat=True).first()
    return str(number) if number else None


def real_user(request: HttpRequest) -> Any:
    """The user Django authenticated, even where ``request.user`` has been hidden."""
    return request.__dict__.get("_webotp_user") or request.user


def get_state(request: HttpRequest) -> State:
    """How far this request's session is signed in; worked out once per request."""
    cached = request.__dict__.get("_webotp_two_factor")
    if cached is not None:
        return cached
    state = _work_out_state(request)
    request._webotp_two_factor = state  # type: ignore[attr-defined]
    return state


def is_verified(request: HttpRequest) -> bool:
    """Whether the request is fully signed in (second step done, or not needed); never for a
    session signed in by a phone code alone."""
    return get_state(request) in (State.VERIFIED, State.NOT_NEEDED)


def _work_out_state(request: HttpRequest) -> State:
    user = real_user(request)
    if not getattr(user, "is_authenticated", False):
        return State.ANONYMOUS
    session = request.session
    marker = session.get(VERIFIED_SESSION_KEY) or {}
    ours = isinstance(marker, dict) and marker.get("user") == str(user.pk)
    if _signed_in_by_phone(session.get(BACKEND_SESSION_KEY)):
        if ours and marker.get("method") == "passkey":
            return State.VERIFIED  # a passkey with user verification: the strong factor
        return State.ONE_FACTOR  # one SMS is one factor, whatever else the session holds
    if ours:
        return State.VERIFIED
    phone = user_phone(user)
    if phone is None:
        allow = webotp_settings.TWO_FACTOR_WITHOUT_PHONE == "allow"
        return State.NOT_NEEDED if allow else State.PENDING
    if _remembered(request, user, phone):
        # A new key here too: a partial session planted in a remembered browser stays partial.
        mark_verified(request, user, method="device")
        return State.VERIFIED
    return State.PENDING


@lru_cache(maxsize=16)
def _signed_in_by_phone(backend_path: str | None) -> bool:
    """Whether the session's backend is PhoneOTPBackend (or a site's subclass of it)."""
    if not backend_path:
        return False
    if backend_path == PHONE_BACKEND:
        return True
    try:
        backend = import_string(backend_path)
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, PhoneOTPBackend)


def mark_verified(request: HttpRequest, user: Any, *, method: str, new_key: bool = True) -> None:
    """Record that ``user`` passed the second step in this session.

    The session gets a new key first: a session id someone planted or saw while the session was
    only partly signed in is worthless once it is fully signed in (session fixation).
    ``new_key=False`` only when ``login()`` gave the session a new key in this very request (a
    passkey's sign-in checks that it did): nobody has seen that key yet, and a second would cost
    the session store another insert and delete.
    """
    if new_key:
        request.session.cycle_key()
    request.session[VERIFIED_SESSION_KEY] = {
        "user": str(user.pk),
        "method": method,
        "at": int(time.time()),
    }
    request.session.pop(SESSION_KEY, None)
    request._webotp_two_factor = State.VERIFIED  # type: ignore[attr-defined]


# --- remembering a device --------------------------------------------------------------------


def _device_tokens(user: Any, phone: str) -> list[str]:
    """The device token under SECRET_KEY, then under each of SECRET_KEY_FALLBACKS.

    Tied to the password (its session hash) and the phone: changing either forgets the device.
    Both the hash and the token are keyed, so each key makes its own (Django's session hashes
    honour the fallbacks the same way): a browser remembered before a key rotation stays
    remembered while its old key is in SECRET_KEY_FALLBACKS.
    """
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    fallback_hashes = getattr(user, "get_session_auth_fallback_hash", lambda: iter(()))
    hashes = [user.get_session_auth_hash(), *fallback_hashes()]
    return [
        salted_hmac(
            _DEVICE_SALT, f"{user.pk}\x1f{auth_hash}\x1f{phone}", secret=secret, algorithm="sha256"
        ).hexdigest()
        for secret, auth_hash in zip(secrets, hashes, strict=False)
    ]


def remember_days() -> int:
    """WEBOTP_TWO_FACTOR_REMEMBER_DAYS, or 0 when remembering devices is off."""
    days = webotp_settings.TWO_FACTOR_REMEMBER_DAYS
    return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else 0


def _remember_seconds() -> int:
    return remember_days() * 86400


def remember_device(request: HttpRequest, response: HttpResponse, user: Any, phone: str) -> None:
    """Set the signed cookie that lets this browser skip the code for N days."""
    seconds = _remember_seconds()
    if not seconds:
        return
    response.set_signed_cookie(
        webotp_settings.TWO_FACTOR_COOKIE_NAME,
        f"{user.pk}:{_device_tokens(user, phone)[0]}",
        salt=_DEVICE_SALT,
        max_age=seconds,
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _remembered(request: HttpRequest, user: Any, phone: str) -> bool:
    seconds = _remember_seconds()
    if not seconds:
        return False
    value = request.get_signed_cookie(
        webotp_settings.TWO_FACTOR_COOKIE_NAME, default=None, salt=_DEVICE_SALT, max_age=seconds
    )
    if not value:
        return False
    pk, _, token = value.partition(":")
    if pk != str(user.pk):
        return False
    matched = False
    for expected in _device_tokens(user, phone):  # every key compared: no early exit
        matched |= constant_time_compare(token, expected)
    return matched
