"""Checks of two-step verification: its settings and where its middleware sits."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from ..conf import webotp_settings
from ..flows.two_factor import WITHOUT_PHONE_CHOICES
from .messages import AUTH_MIDDLEWARE_PATH, E050, E051, E052, E053, MIDDLEWARE_PATH, W050

__all__ = ["two_factor_problems"]


def two_factor_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    required = webotp_settings.TWO_FACTOR_REQUIRED
    if not isinstance(required, bool):
        problems.append(Error(E050.format(value=required), id="webotp.E050"))
    without = webotp_settings.TWO_FACTOR_WITHOUT_PHONE
    if without not in WITHOUT_PHONE_CHOICES:
        problems.append(Error(E051.format(value=without), id="webotp.E051"))
    days = webotp_settings.TWO_FACTOR_REMEMBER_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        problems.append(Error(E052.format(value=days), id="webotp.E052"))
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE_PATH in middleware:
        if AUTH_MIDDLEWARE_PATH not in middleware[: middleware.index(MIDDLEWARE_PATH)]:
            problems.append(Error(E053, id="webotp.E053"))
    elif required is True:
        problems.append(
            Warning(
                W050,
                hint=f"Add {MIDDLEWARE_PATH!r} to MIDDLEWARE after AuthenticationMiddleware.",
                id="webotp.W050",
            )
        )
    return problems
