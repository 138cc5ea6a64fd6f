"""django-two-factor-auth's tokens as origin-bound SMS: the ``Gateway`` of its settings.

::

    TWO_FACTOR_SMS_GATEWAY = "django_webotp.integrations.two_factor_auth.Gateway"
    TWO_FACTOR_CALL_GATEWAY = "django_webotp.integrations.two_factor_auth.Gateway"  # refuses

The token goes through WEBOTP_SMS_BACKEND as "...\\n\\n@host #token" once the destination rules
and the SMS budgets let it. django-two-factor-auth's gateways are given no request: the host is
WEBOTP_DOMAIN, or the request that its ``ThreadLocals`` middleware keeps. A refused or failed
token is logged (and a spent budget signalled): its pages have no place to say so, and its
backup tokens remain the way in. Calls are not offered: ``make_call`` raises ``CallsNotOffered``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..models import Purpose
from .sending import missing, send_code

try:
    from two_factor.middleware.threadlocals import get_current_request
except ImportError as exc:  # pragma: no cover - the [two-factor-auth] extra is missing
    raise missing("django-two-factor-auth", "two-factor-auth") from exc

__all__ = ["CallsNotOffered", "Gateway"]


class CallsNotOffered(Exception):
    """A token asked for by phone call: codes are sent by SMS only."""


class Gateway:
    """TWO_FACTOR_SMS_GATEWAY (and TWO_FACTOR_CALL_GATEWAY, which it refuses)."""

    #: The SMS text (the app's template of that purpose) and budget key of the tokens.
    purpose: str = Purpose.TWO_FACTOR

    def send_sms(self, device: Any, token: str) -> None:
        send_code(get_current_request(), device.number.as_e164, str(token), self.purpose)

    def make_call(self, device: Any, token: str) -> None:
        raise CallsNotOffered(
            _(
                "Codes are sent by text message only: phone calls are not offered. "
                "Choose text message instead."
            )
        )
