"""Checks of who may sign in with a phone code alone."""

from __future__ import annotations

from django.core.checks import CheckMessage, Tags, Warning, register

from ..conf import webotp_settings
from .messages import W070, W071

__all__ = ["account_warnings", "staff_sms_signin_warnings"]


@register(Tags.security, deploy=True)
def staff_sms_signin_warnings(app_configs=None, **kwargs) -> list[CheckMessage]:
    """At deploy (``check --deploy``): staff who sign in with an SMS code alone."""
    if webotp_settings.STAFF_SMS_SIGNIN is not True:
        return []
    return [
        Warning(
            W070,
            hint="Set WEBOTP_STAFF_SMS_SIGNIN = False so that staff sign in with their password "
            "and use their phone as the second step.",
            id="webotp.W070",
        )
    ]


def account_warnings() -> list[CheckMessage]:
    if webotp_settings.TWO_FACTOR_REQUIRED is True and webotp_settings.SIGNUP:
        return [
            Warning(
                W071,
                hint="Turn WEBOTP_SIGNUP off, or let those accounts set a password.",
                id="webotp.W071",
            )
        ]
    return []
