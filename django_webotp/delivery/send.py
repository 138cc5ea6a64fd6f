"""Send a challenge's SMS (or a notice that carries no code) and record how it went."""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from .. import signals
from ..exceptions import SmsDeliveryError
from ..models import Challenge
from ..sms import SmsMessage, get_connection
from .compose import render_body

__all__ = ["Failure", "announce", "deliver_code", "send_challenge", "send_notice"]

logger = logging.getLogger("django_webotp")

#: Why a send failed: the operational reason ("timeout", "queue"...) and the error itself.
Failure = tuple[str, Exception]


def deliver_code(
    challenge: Challenge,
    request: HttpRequest | None,
    *,
    domain: str | None = None,
    site: str | None = None,
) -> str | None:
    """Send the challenge's SMS; record the outcome. Returns an error reason, or None if sent."""
    failure = send_challenge(challenge, request, domain=domain, site=site)
    return announce(challenge, request, failure)


def send_challenge(
    challenge: Challenge,
    request: HttpRequest | None,
    *,
    domain: str | None = None,
    site: str | None = None,
) -> Failure | None:
    """Send the SMS and note the outcome on the challenge (not saved); the failure, if any."""
    body = render_body(challenge, request, domain=domain, site=site)
    message = SmsMessage(to=challenge.phone, body=body)
    # Outside the try: a backend that cannot be imported or built is a misconfiguration, raised
    # as such, never taken for a provider that failed this once.
    connection = get_connection()
    try:
        connection.send_messages([message])
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a provider failure must never become a 500 or a usable challenge
        reason = exc.reason if isinstance(exc, SmsDeliveryError) else "error"
        challenge.mark_failed(f"{reason}: {exc}")
        return reason, exc
    challenge.mark_sent(message.provider_message_id, message.backend)
    return None


def announce(
    challenge: Challenge, request: HttpRequest | None, failure: Failure | None
) -> str | None:
    """Log and signal how the send went (once the challenge is saved); the failure's reason."""
    if failure is None:
        signals.send_about(signals.code_sent, request, challenge)
        return None
    reason, exc = failure
    logger.warning("Could not send a code to %s: %s", mask(challenge.phone), exc)
    signals.send_about(signals.code_failed, request, challenge, reason=reason)
    return reason


def send_notice(to: str, body: str) -> bool:
    """Send an SMS that carries no code; a failure is logged, never raised."""
    connection = get_connection()
    try:
        connection.send_messages([SmsMessage(to=to, body=body)])
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a notice that fails must not undo the change it reports
        logger.warning("Could not send a notice SMS to %s: %s", mask(to), exc)
        return False
    return True


def mask(phone: str) -> str:
    """Enough of a number for a log line to be useful, not enough to be a list of numbers."""
    return phone[:4] + "…" + phone[-2:]
