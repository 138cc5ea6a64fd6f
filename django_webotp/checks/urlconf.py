"""Checks that the site's URLconf includes the sign-in pages."""

from __future__ import annotations

from django.core.checks import CheckMessage, Error
from django.urls import NoReverseMatch, reverse

from .messages import E080, E080_HINT

__all__ = ["url_errors"]


def url_errors() -> list[CheckMessage]:
    """Without the include, every page that names a ``webotp:`` URL (LOGIN_URL, the sign-in
    pages' own forms) fails at runtime with NoReverseMatch, and nothing else says so."""
    try:
        reverse("webotp:login")
    except NoReverseMatch:
        return [Error(E080, hint=E080_HINT, id="webotp.E080")]
    except Exception:  # a URLconf that fails to load is Django's own check (urls.E004...) to report
        return []
    return []
