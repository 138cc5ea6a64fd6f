"""Start a challenge and send its code, resend it, judge a submitted code: every front end's core.

Rate limits, budgets, the bot check, signals and delivery are asked from here, in one order, so
that every front end (the HTML pages, the JSON API, any other a site builds) gets the same
defences. Nothing here answers HTTP: the front ends turn a ``StartResult`` or a ``Verdict`` into
a page or a JSON body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from math import ceil
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

from .. import signals
from ..abuse.clients import client_ip
from ..abuse.refusal import Refusal
from ..codes import check_code
from ..conf import webotp_settings
from ..delivery import send, tasks
from ..delivery.compose import render_body
from ..models import Challenge, DeliveryStatus, PhoneIdentity, Purpose, Status, Verdict
from ..purposes import withholds_unknown_numbers
from ..test_numbers import fixed_code, log_use
from . import defences
from .defences import verify_limit

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "StartResult",
    "client_ip",
    "resend",
    "resend_in",
    "shown_state",
    "start",
    "use_up",
    "verify",
    "verify_limit",
]

logger = logging.getLogger("django_webotp")


#: Delivery states in which no SMS is on its way: a new code may be asked for at once.
NOTHING_ON_THE_WAY = (
    DeliveryStatus.FAILED,
    DeliveryStatus.QUEUE_EXPIRED,
    DeliveryStatus.QUEUE_REPLACED,
)


@dataclass(frozen=True)
class StartResult:
    """What starting (or resending) a challenge led to.

    ``refusal`` is set when a defence refused it (a rate limit, an SMS budget, the bot check: no
    challenge then); ``delivery_error`` when the SMS could not be sent (the challenge is then
    closed and marked failed).
    """

    challenge: Challenge | None = None
    refusal: Refusal | None = None
    delivery_error: str | None = None


def start(
    request: HttpRequest,
    phone_number: str,
    purpose: str = Purpose.LOGIN,
    *,
    user: Any = None,
    action_digest: str = "",
    description: str = "",
) -> StartResult:
    """Check limits, budgets and the bot check; record the challenge, then send its code.

    The per-IP limit comes first so that a flood from one client neither runs the (possibly
    remote) bot check nor uses up the victim number's own limit and budget. ``user`` is the
    account the code is for when it is known (two-step verification, a phone change, a
    confirmation); ``action_digest`` and ``description`` bind a confirmation to its action.

    The challenge's row is committed, as pending, before any SMS goes out, and its outcome is
    recorded after: every SMS sent has a row, and a failure at either step is a "could not
    send" answer, never a 500. Starts for one number and purpose take turns (models.locks), so
    the last SMS sent is the one whose code works.
    """
    phone = str(phone_number)
    # Asked at most once per start: the budgets and the delivery both need the answer.
    receives = cache(partial(defences.may_receive, phone, purpose))
    refusal = defences.refused(request, phone, purpose, user=user, receives=receives)
    if refusal is not None:
        return StartResult(refusal=refusal)
    fixed = fixed_code(phone)
    how = _how(purpose, fixed, receives)
    status = _delivery_status(how)
    challenge = _build(request, phone, purpose, fixed, status, user, action_digest, description)
    try:
        Challenge.objects.replace_open(challenge)
    except DatabaseError:  # nothing was sent, nothing was recorded: say so, and try again later
        logger.exception("Could not record a code request for %s.", send.mask(phone))
        challenge.delivery_status = DeliveryStatus.FAILED
        return StartResult(challenge=challenge, delivery_error="database")
    signals.send_about(signals.code_requested, request, challenge)
    if fixed is not None:
        log_use(phone, "code requested, no SMS sent")
    return StartResult(challenge=challenge, delivery_error=_deliver(request, challenge, how))


def _how(purpose: str, fixed: str | None, receives: Callable[[], bool]) -> str:
    """How the code goes out: "none" (a test number), "task" (a worker), "later" (a thread of
    its own: unknown numbers are withheld, so the answer must not wait for a send only known
    numbers get), "withheld" (a number that may not sign in by code alone: rendered, never
    sent) or "now" (in this request)."""
    if fixed is not None:
        return "none"
    if webotp_settings.DELIVERY == "task":
        return "task"
    if withholds_unknown_numbers(purpose):
        return "later"
    return "now" if receives() else "withheld"


def _deliver(request: HttpRequest, challenge: Challenge, how: str) -> str | None:
    """Send (or queue) the recorded challenge's SMS; the error reason the person is told."""
    if how == "task":
        return tasks.queue_code(challenge, request)
    if how == "now":
        return send.deliver_in_turn(challenge, request)
    # Rendered here, for every number alike (the same work whether or not it is sent).
    body = render_body(challenge, request)
    if how == "later":
        send.in_background(partial(_send_if_known, challenge, body))
    return None


def _send_if_known(challenge: Challenge, body: str) -> None:
    """Off the request thread: send to a number that signs in, record the others' as withheld.

    Nobody is told how it went (the answer has gone, and must read the same for every number);
    the row, the log and the signals are.
    """
    if not PhoneIdentity.objects.sign_in_code_goes_to(challenge.phone):
        Challenge.objects.filter(pk=challenge.pk, delivery_status=DeliveryStatus.PENDING).update(
            delivery_status=DeliveryStatus.SUPPRESSED
        )
        return
    send.deliver_in_turn(challenge, None, body)


def _delivery_status(how: str) -> DeliveryStatus:
    if how in ("none", "withheld"):
        return DeliveryStatus.SUPPRESSED
    return DeliveryStatus.QUEUED if how == "task" else DeliveryStatus.PENDING


def _build(
    request: HttpRequest,
    phone: str,
    purpose: str,
    fixed: str | None,
    status: DeliveryStatus,
    user: Any,
    action_digest: str,
    description: str,
) -> Challenge:
    """The new challenge, not saved yet (``replace_open`` records it before its SMS goes out)."""
    return Challenge.objects.build(
        phone,
        purpose,
        ttl=webotp_settings.CODE_TTL,
        max_attempts=webotp_settings.MAX_ATTEMPTS,
        code_length=len(fixed) if fixed is not None else webotp_settings.CODE_LENGTH,
        requesting_ip=client_ip(request),
        user=user,
        delivery_status=status,
        action_digest=action_digest,
        action_description=description,
    )


def resend_in(challenge: Challenge) -> int:
    """Seconds (rounded up) before a new code may be asked for in place of ``challenge``.

    The one rule for the code pages' countdown, the API's ``resend_in`` and ``resend``'s own
    refusal: WEBOTP_RESEND_COOLDOWN after the code was asked for, or at once if its send failed
    (its worker's lease ran out included) or it was never sent (closed while queued). While
    unknown numbers are withheld a failure must read like any other send, so it waits too.
    """
    status = challenge.delivery_status
    failure_shown = status != DeliveryStatus.FAILED or not withholds_unknown_numbers(
        challenge.purpose
    )
    if status in NOTHING_ON_THE_WAY and failure_shown:
        return 0
    waited = (timezone.now() - challenge.created_at).total_seconds()
    return max(ceil(webotp_settings.RESEND_COOLDOWN - waited), 0)


def shown_state(challenge: Challenge) -> Status:
    """The challenge's state as a person may be told it: while unknown numbers are withheld, a
    failed send reads as the pending (or expired) code an unknown number's withheld one is."""
    status = challenge.status
    if status is Status.FAILED and withholds_unknown_numbers(challenge.purpose):
        return Status.EXPIRED if challenge.expires_at <= timezone.now() else Status.PENDING
    return status


def resend(request: HttpRequest, challenge: Challenge) -> StartResult:
    """A new code for the same number and purpose, no sooner than ``resend_in`` allows."""
    wait = resend_in(challenge)
    if wait:
        return StartResult(refusal=Refusal("resend", retry_after=wait))
    return start(
        request,
        challenge.phone,
        challenge.purpose,
        user=challenge.user,
        action_digest=challenge.action_digest,
        description=challenge.action_description,
    )


def use_up(
    request: HttpRequest, challenge_id: str, phone: str, purpose: str, code_length: int, code: str
) -> Challenge | None:
    """A right code's challenge, used up without being loaded first; None when ``code`` is not
    simply right for it (wrong, a test number's, or its challenge closed: ``verify`` judges it).

    The code is derived from what the browser's code step holds (the challenge's id, number and
    length), so a right one is known before the database is asked; one conditional UPDATE
    (``ChallengeQuerySet.use_up``) then consumes it and returns what signing in needs.
    """
    if fixed_code(phone) is not None or not check_code(
        challenge_id, purpose, phone, code_length, code
    ):
        return None
    try:
        challenge = Challenge.objects.use_up(challenge_id, purpose, phone)
    except (ValidationError, ValueError):  # not an id at all
        return None
    if challenge is not None:
        signals.send_about(signals.code_verified, request, challenge)
    return challenge


def verify(
    request: HttpRequest, challenge: Challenge, code: str, *, replaced_id: str | None = None
) -> Verdict:
    """Judge ``code`` against ``challenge`` and send the matching signal.

    ``replaced_id``: the challenge ``challenge`` replaced for this person, whose code, typed
    now, is answered SUPERSEDED without costing an attempt (``Challenge.verify``).
    """
    fixed = fixed_code(challenge.phone)
    verdict = challenge.verify(code, fixed_code=fixed, replaced_id=replaced_id)
    if fixed is not None:
        log_use(challenge.phone, f"code submitted, {verdict}")
    if verdict is Verdict.VERIFIED:
        signals.send_about(signals.code_verified, request, challenge)
        return verdict
    signals.send_about(signals.code_rejected, request, challenge, reason=str(verdict))
    if verdict is Verdict.LOCKED and challenge.attempt_counted:  # this guess locked it
        signals.send_about(signals.challenge_locked, request, challenge, reason=str(verdict))
    return verdict
