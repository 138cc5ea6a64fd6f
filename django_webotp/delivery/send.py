"""Send a challenge's SMS (or a notice that carries no code) and record how it went.

Every send in a request is bounded by one deadline, ``WEBOTP_SEND_DEADLINE`` seconds for all
failover members together, kept below ``WEBOTP_WORKER_TIMEOUT`` (a check says so): a backend
runs in a helper thread the request waits for no longer than the deadline, so a provider that
hangs, or one without a timeout of its own, ends as a failed send with reason "timeout" and an
ordinary "could not send" page, never a killed worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from .. import signals
from ..conf import webotp_settings
from ..exceptions import SmsDeliveryError
from ..models import Challenge, DeliveryStatus, locks
from ..sms import SmsMessage, get_connection
from ..sms.backends.base import BaseSmsBackend
from .compose import render_body

__all__ = [
    "Failure",
    "announce",
    "deliver_code",
    "deliver_in_turn",
    "in_background",
    "send_challenge",
    "send_notice",
    "send_within_deadline",
]

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


def deliver_in_turn(
    challenge: Challenge, request: HttpRequest | None, body: str | None = None
) -> str | None:
    """Send a saved, pending challenge's SMS in its number's turn (``locks.sending``), record the
    outcome and announce it; the error reason, or None when it was sent.

    A start that replaced this challenge before its turn came sends its own SMS instead: this
    one sends nothing and answers as sent (the person's page is the normal one; the newest code
    is on its way). Whatever happens after the SMS went out, the row it was recorded in first
    remains: a database error then is a failure ("database"), never a 500.
    """
    using = router.db_for_write(Challenge)
    try:
        with locks.sending(challenge.phone, challenge.purpose, using):
            if not Challenge.objects.claim(challenge):
                return None
            failure = send_challenge(challenge, request, body=body)
    except (ImproperlyConfigured, ImportError) as exc:
        challenge.mark_failed(f"configuration: {exc}")  # the rolled-back send's row, closed
        raise
    except DatabaseError as exc:
        failure = _unrecorded(challenge, exc)
    return announce(challenge, request, failure)


def _unrecorded(challenge: Challenge, exc: DatabaseError) -> Failure:
    """The outcome of a send could not be written: the row stays as recorded before the send
    (pending, which the delivery lease closes); this request treats it as failed."""
    logger.exception("Could not record the send of a code to %s.", mask(challenge.phone))
    challenge.delivery_status = DeliveryStatus.FAILED
    challenge.invalidated_at = challenge.invalidated_at or timezone.now()
    return "database", exc


def send_challenge(
    challenge: Challenge,
    request: HttpRequest | None,
    *,
    domain: str | None = None,
    site: str | None = None,
    body: str | None = None,
) -> Failure | None:
    """Send the SMS of a saved challenge and record the outcome on its row; the failure, if any.

    ``body`` is the SMS when the request already rendered it; else it is rendered here.
    """
    if body is None:
        body = render_body(challenge, request, domain=domain, site=site)
    message = SmsMessage(to=challenge.phone, body=body)
    # Outside the try: a backend that cannot be imported or built is a misconfiguration, raised
    # as such, never taken for a provider that failed this once.
    connection = get_connection()
    try:
        send_within_deadline(connection, message)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a provider failure must never become a 500 or a usable challenge
        reason = exc.reason if isinstance(exc, SmsDeliveryError) else "error"
        challenge.mark_failed(f"{reason}: {exc}")
        return reason, exc
    challenge.mark_sent(message.provider_message_id, message.backend)
    return None


def send_within_deadline(
    connection: BaseSmsBackend, message: SmsMessage, seconds: float | None = None
) -> None:
    """Hand ``message`` to ``connection`` (an SMS backend); raise ``SmsDeliveryError("timeout")``
    if it has not answered within ``seconds`` (WEBOTP_SEND_DEADLINE).

    The backend is told the deadline (failover tries no member once it has passed; provider
    backends shorten their own timeout to what is left) and runs in a helper thread, so even a
    backend that ignores both cannot hold the request longer. A backend still running at the
    deadline may yet hand the SMS over: the challenge is failed by then, so its code never works.
    """
    seconds = webotp_settings.SEND_DEADLINE if seconds is None else seconds
    connection.deadline = time.monotonic() + seconds
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            connection.send_messages([message])
        except BaseException as exc:  # handed to the request's thread, raised there
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, name="webotp-sms-send", daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    if not outcome:
        raise SmsDeliveryError(
            f"The SMS backend did not answer within the {seconds} s send deadline.",
            backend=getattr(connection, "name", ""),
            reason="timeout",
        )
    if outcome[0] is not None:
        raise outcome[0]


def in_background(work: Callable[[], Any]) -> None:
    """Run ``work`` in a thread of its own once the current transaction commits.

    The thread has its own database connection (it could not see uncommitted rows otherwise),
    closed when it ends. An error is logged, never raised: nobody waits for this thread.
    """

    def run() -> None:
        try:
            work()
        except Exception:
            logger.exception("A code sent off the request thread failed.")
        finally:
            connections.close_all()

    transaction.on_commit(
        lambda: threading.Thread(target=run, name="webotp-send-later", daemon=True).start()
    )


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
    connection = get_connection()  # outside the try: a misconfiguration is raised
    try:
        send_within_deadline(connection, SmsMessage(to=to, body=body))
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a notice that fails must not undo the change it reports
        logger.warning("Could not send a notice SMS to %s: %s", mask(to), exc)
        return False
    return True


def mask(phone: str) -> str:
    """Enough of a number for a log line to be useful, not enough to be a list of numbers."""
    return phone[:4] + "…" + phone[-2:]
