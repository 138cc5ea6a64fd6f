"""``WEBOTP_API_ISSUE_TOKEN = "django_webotp.api.drf.authtoken"``: a REST framework token.

Needs ``pip install django-webotp[drf]`` and ``"rest_framework.authtoken"`` in INSTALLED_APPS;
the app then sends ``Authorization: Token <token>`` to the site's DRF views.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

try:
    from rest_framework.authtoken.models import Token
except ImportError as exc:  # pragma: no cover - the extra is installed where this is tested
    raise ImproperlyConfigured(
        "WEBOTP_API_ISSUE_TOKEN names django_webotp.api.drf, which needs Django REST "
        "framework: pip install django-webotp[drf]"
    ) from exc

__all__ = ["authtoken"]


def authtoken(request: HttpRequest, user: Any) -> dict[str, str]:
    """``{"token": ...}``: the user's REST framework token (one per user, made on first use)."""
    token, _created = Token.objects.get_or_create(user=user)
    return {"token": token.key}
