"""Browsers that signed in for a number before: OWASP's device cookie against lock-outs.

Anyone can ask for codes for someone else's number until its limits are full, which would lock
its owner out. A browser that completes a sign-in for a number gets a signed cookie
(``WEBOTP_DEVICE_COOKIE_NAME``, HttpOnly, SameSite=Lax, Secure on HTTPS) holding a random id for
the browser and a keyed hash of each number it signed in for (never a number). A request that
carries it for the number it asks about is counted against that browser's own allowance (the
same rates, under its own key) rather than the number's shared count, and gets its code when a
shared budget is spent by others. The cookie is signed with ``django.core.signing``, so a
``SECRET_KEY`` rotated into ``SECRET_KEY_FALLBACKS`` keeps it valid; a forged one, or one for
another number, counts as no cookie at all.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from ..conf import webotp_settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

__all__ = ["device_for", "remember_browser"]

SALT = "django_webotp.abuse.devices"
#: Numbers one cookie remembers (a shared family computer); the oldest is forgotten first.
MAX_NUMBERS = 5


def _seconds() -> int:
    days = webotp_settings.DEVICE_COOKIE_DAYS
    return days * 86400 if isinstance(days, int) and not isinstance(days, bool) else 0


def _tag(phone: str, secret: str | bytes | None = None) -> str:
    digest = salted_hmac(f"{SALT}.number", str(phone), secret=secret, algorithm="sha256")
    return digest.hexdigest()[:32]


def _tags(phone: str) -> list[str]:
    """The number's tag under SECRET_KEY and under each of SECRET_KEY_FALLBACKS."""
    return [_tag(phone, key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def _read(request: HttpRequest) -> tuple[str, list[str]] | None:
    raw = request.COOKIES.get(webotp_settings.DEVICE_COOKIE_NAME)
    seconds = _seconds()
    if not raw or not seconds:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=seconds)
    except (signing.BadSignature, ValueError):
        return None
    device, numbers = (data.get("d"), data.get("n")) if isinstance(data, dict) else (None, None)
    if not isinstance(device, str) or not isinstance(numbers, list):
        return None
    return device, [tag for tag in numbers if isinstance(tag, str)]


def device_for(request: HttpRequest, phone: str) -> str | None:
    """The id of this browser when it signed in for ``phone`` before, else None."""
    found = _read(request)
    if found is None:
        return None
    device, numbers = found
    known = any(constant_time_compare(tag, mine) for tag in numbers for mine in _tags(phone))
    return device if known else None


def cookie_params(request: HttpRequest, phone: str) -> dict[str, Any] | None:
    """``response.set_cookie(**params)`` for a browser that just signed in for ``phone``;
    None when device cookies are off (``WEBOTP_DEVICE_COOKIE_DAYS = 0``)."""
    seconds = _seconds()
    if not seconds:
        return None
    device, numbers = _read(request) or (secrets.token_urlsafe(16), [])
    old = set(_tags(phone))
    numbers = [_tag(phone), *(tag for tag in numbers if tag not in old)][:MAX_NUMBERS]
    return {
        "key": webotp_settings.DEVICE_COOKIE_NAME,
        "value": signing.dumps({"d": device, "n": numbers}, salt=SALT, compress=True),
        "max_age": seconds,
        "secure": settings.SESSION_COOKIE_SECURE or request.is_secure(),
        "httponly": True,
        "samesite": "Lax",
    }


def remember_browser(request: HttpRequest, response: HttpResponseBase, phone: str) -> None:
    """Give the browser that completed a sign-in for ``phone`` its device cookie (one line in
    each front end that signs people in)."""
    params = cookie_params(request, phone)
    if params is not None:
        response.set_cookie(**params)
