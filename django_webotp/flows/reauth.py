"""Recent authentication: when this session last proved whose it is, for the steps that ask.

A session cookie stolen a week ago is signed in, but it cannot type the account's password or
read the code sent to its phone. So the steps that could lock the owner out (a phone change)
ask ``recent(request, user)``: did this session sign in, type the password again, or enter a
code sent to the account's current number within ``WEBOTP_REAUTH_MAX_AGE`` seconds?

Each of those stamps the session with ``mark(request, user, method=...)``: Django's
``user_logged_in`` signal for any sign-in (``on_login``, connected in ``apps``), the password page
(``views.reauth``), the current-number code (``phone_change``). A passkey page does the same with
``method="passkey"``, and every step that asks accepts it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate

from ..abuse.ratelimits import hit
from ..abuse.refusal import Refusal
from ..conf import webotp_settings

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["SESSION_KEY", "by_password", "mark", "max_age", "on_login", "recent"]

#: The session key of the stamp: which user, how, and when (seconds since the epoch).
SESSION_KEY = "webotp_reauth"


def _now() -> int:
    return int(time.time())


def max_age() -> int:
    """WEBOTP_REAUTH_MAX_AGE: how many seconds an authentication counts as recent."""
    seconds = webotp_settings.REAUTH_MAX_AGE
    return seconds if isinstance(seconds, int) and not isinstance(seconds, bool) else 0


def mark(request: HttpRequest, user: Any, *, method: str) -> None:
    """Record that ``user`` authenticated in this session just now, by ``method``."""
    request.session[SESSION_KEY] = {"user": str(user.pk), "method": method, "at": _now()}


def _stamp(request: HttpRequest, user: Any) -> int | None:
    session = getattr(request, "session", None)
    stamp = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(stamp, dict) or stamp.get("user") != str(getattr(user, "pk", None)):
        return None
    at = stamp.get("at")
    return at if isinstance(at, int) and not isinstance(at, bool) else None


def recent(request: HttpRequest, user: Any, *, since: float | None = None) -> bool:
    """Whether ``user`` authenticated in this session at most WEBOTP_REAUTH_MAX_AGE seconds
    before ``since`` (a timestamp; default: now), or at any time after it."""
    at = _stamp(request, user)
    if at is None:
        return False
    reference = _now() if since is None else since
    return at >= reference - max_age()


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a sign-in, whatever its backend, is an authentication."""
    if request is not None and getattr(request, "session", None) is not None:
        mark(request, user, method="sign-in")


def by_password(request: HttpRequest, user: Any, password: str) -> Refusal | bool:
    """Check ``user``'s password again: True (and stamped) when right, False when wrong, a
    Refusal when this account or client has guessed too often (WEBOTP_RATELIMIT_VERIFY_IP, per
    account and per client address).

    It goes through ``authenticate()``, so the site's backends and lockout tools (the
    ``user_login_failed`` signal) see a wrong password as they would on the sign-in page.
    """
    for value in (f"account:{user.pk}", None):
        refusal = hit(request, "reauth", webotp_settings.RATELIMIT_VERIFY_IP, value)
        if refusal is not None:
            return refusal
    fields = {user.USERNAME_FIELD: user.get_username(), "password": password}
    found = authenticate(request, **fields)
    if found is None or found.pk != user.pk:
        return False
    # A higher privilege from here on: a session id seen before is worth nothing now.
    request.session.cycle_key()
    mark(request, user, method="password")
    return True
