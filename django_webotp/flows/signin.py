"""Finishing a sign-in: the verified challenge authenticates its user, who is logged in, and
the person goes on to a ``next`` that stays on this site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Challenge

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["safe_next", "sign_in"]


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it stays on this site, else LOGIN_REDIRECT_URL."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return _resolve(settings.LOGIN_REDIRECT_URL)


def _resolve(to: Any) -> str:
    """A URL or a URL name, as ``resolve_url`` reads LOGIN_REDIRECT_URL."""
    to = str(to)
    try:
        return reverse(to)
    except NoReverseMatch:
        if "/" not in to and "." not in to:
            raise
        return to


def sign_in(request: HttpRequest, challenge: Challenge, next_url: str | None) -> str | None:
    """Log in the user the verified ``challenge`` authenticates; where to go next, or None
    when its number cannot sign in (an inactive account, sign-up off)."""
    user = authenticate(request, webotp_challenge=challenge)
    if user is None:
        return None
    login(request, user)
    return safe_next(request, next_url)
