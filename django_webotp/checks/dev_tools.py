"""Checks that the dev SMS inbox and the phone simulator stay out of production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.urls import NoReverseMatch, reverse

from ..conf import webotp_settings
from .messages import E030, E031, W003

__all__ = ["dev_errors"]


def _dev_inbox_included() -> bool:
    try:
        reverse("webotp_dev:inbox")
    except NoReverseMatch:
        return False
    except Exception:  # a URLconf that fails to load is Django's own check (urls.E004...) to report
        return False
    return True


def dev_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    included = _dev_inbox_included()
    if not settings.DEBUG and included:
        errors.append(
            Error(
                E030,
                hint="Include django_webotp.dev.urls only in development settings or URLconfs.",
                id="webotp.E030",
            )
        )
    if webotp_settings.DEV_SIMULATOR:
        if not settings.DEBUG:
            errors.append(
                Error(E031, hint="Set WEBOTP_DEV_SIMULATOR only in development.", id="webotp.E031")
            )
        elif not included:
            errors.append(
                Warning(
                    W003,
                    hint='Add path("dev/", include("django_webotp.dev.urls")) to your URLconf.',
                    id="webotp.W003",
                )
            )
    return errors
