"""Warnings about the rest of the site's settings: the authentication backend and the cache
that rate limits count in."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning

from .messages import BACKEND_PATH, W001, W002

__all__ = ["UNSHARED_CACHES", "deployment_warnings"]

UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def deployment_warnings() -> list:
    warnings = []
    if BACKEND_PATH not in settings.AUTHENTICATION_BACKENDS:
        warnings.append(Warning(W001, id="webotp.W001"))
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if not settings.DEBUG and backend in UNSHARED_CACHES:
        warnings.append(
            Warning(
                W002.format(alias=alias, backend=backend),
                hint="Rate limits then count per process; use RedisCache or Memcached.",
                id="webotp.W002",
            )
        )
    return warnings
