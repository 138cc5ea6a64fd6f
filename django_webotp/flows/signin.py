"""Finishing a sign-in: the verified challenge authenticates its user, who is logged in, and
the person goes on to a ``next`` that stays on this site."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any

from django.conf import global_settings, settings
from django.contrib.auth import authenticate, login
from django.urls import NoReverseMatch, is_valid_path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from ..exceptions import WebOTPError
from ..models import Challenge
from . import recovery

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["SessionUnavailable", "log_in", "safe_next", "sign_in"]

logger = logging.getLogger("django_webotp")
_SESSIONS_PACKAGE = "django.contrib.sessions"


class SessionUnavailable(WebOTPError):
    """The session store failed while signing a person in, after their code was used up.

    The front ends answer 503 with ``wording.session_unavailable()``: the person asks for a new
    code once the store is back. The failure is logged, with its traceback, where it is raised.
    """


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it stays on this site, else LOGIN_REDIRECT_URL."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return _resolve(settings.LOGIN_REDIRECT_URL)


def _resolve(to: Any) -> str:
    """A URL or a URL name, as ``resolve_url`` reads LOGIN_REDIRECT_URL; "/" for Django's
    default, ``/accounts/profile/``, when the site has no page there (a new project has none,
    and a person's first sign-in should not end on a 404)."""
    to = str(to)
    if to == global_settings.LOGIN_REDIRECT_URL and not _has_page(to):
        return "/"
    try:
        return reverse(to)
    except NoReverseMatch:
        if "/" not in to and "." not in to:
            raise
        return to


def _has_page(path: str) -> bool:
    """Whether ``path`` resolves, as is or under the active language's i18n_patterns prefix."""
    language = get_language()
    prefixed = f"/{language}{path}" if language else None
    return bool(is_valid_path(path) or (prefixed and is_valid_path(prefixed)))


def sign_in(request: HttpRequest, challenge: Challenge, next_url: str | None) -> str | None:
    """Log in the user the verified ``challenge`` authenticates; where to go next, or None
    when its number cannot sign in (an inactive account, sign-up off). Raises
    ``recovery.RecoveryWait`` while the account's recovery by SMS must wait."""
    user = authenticate(request, webotp_challenge=challenge)
    if user is None:
        return None
    recovery.check(request, user)  # raises RecoveryWait while a recovery by SMS must wait
    redirect = log_in(request, user, next_url)
    recovery.mark(request, user, challenge.phone)
    return redirect


def log_in(
    request: HttpRequest, user: Any, next_url: str | None, backend: str | None = None
) -> str:
    """Log ``user`` in (authenticated already: by a code, a passkey) and say where to go next.

    Raises SessionUnavailable when the session store fails, as ``sign_in`` does.
    """
    try:
        login(request, user, backend=backend)
    except Exception as exc:  # a session backend raises its store's own errors, of any class
        if not _raised_in_session_store(exc.__traceback__):
            raise
        logger.exception("Could not sign in: the session store failed after the code was used.")
        # Nothing more to save: SessionMiddleware would only fail the same way, with a 500.
        request.session.modified = False
        raise SessionUnavailable(str(exc)) from exc
    return safe_next(request, next_url)


def _raised_in_session_store(trace: TracebackType | None) -> bool:
    """Whether the exception came through the session backend (Django's, or SESSION_ENGINE).

    ``login()`` writes the session (a new key: cycle_key() or flush()) and sends a signal whose
    receivers are the site's: only the former is the session store's failure to answer for.
    """
    engine = str(settings.SESSION_ENGINE)
    while trace is not None:
        module = str(trace.tb_frame.f_globals.get("__name__", ""))
        if module == engine or module.startswith(_SESSIONS_PACKAGE + "."):
            return True
        trace = trace.tb_next
    return False
