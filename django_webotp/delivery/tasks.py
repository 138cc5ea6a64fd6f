"""Sending codes off the request path, on Django's tasks framework.

With ``WEBOTP_DELIVERY = "task"``, ``flows.challenges.start()`` creates the challenge as
queued and ``queue_code`` enqueues ``send_code``; a worker sends the SMS and records the
outcome on the challenge. Django 6.0 and later have the framework built in (``django.tasks``);
Django 5.2 uses its backport, ``pip install "django-webotp[tasks]"`` (``django_tasks``). Either
reads the ``TASKS`` setting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import get_language

from ..conf import webotp_settings
from ..models import Challenge, DeliveryStatus, PhoneIdentity
from ..models.challenge_queries import open_q
from ..purposes import spec
from ..test_numbers import fixed_code, log_use
from . import send, sweep
from .compose import site_name, sms_domain

task: Callable | None
try:  # Django >= 6.0
    from django.tasks import task

    TASKS_PACKAGE: str | None = "django.tasks"
except ImportError:
    try:  # the backport, on Django 5.2
        from django_tasks import task  # type: ignore[no-redef]

        TASKS_PACKAGE = "django_tasks"
    except ImportError:  # pragma: no cover (the test extras install one or the other)
        task = None
        TASKS_PACKAGE = None

__all__ = [
    "DEFAULT_TASK_BACKEND",
    "TASKS_AVAILABLE",
    "TASKS_PACKAGE",
    "queue_code",
    "queue_email",
    "queue_notice",
    "send_code",
    "send_email",
    "send_notice",
]

logger = logging.getLogger("django_webotp")

#: Whether a tasks framework is importable (``WEBOTP_DELIVERY = "task"`` needs one).
TASKS_AVAILABLE = task is not None
#: The backend both frameworks use when ``TASKS`` is not set: it runs tasks on the spot.
DEFAULT_TASK_BACKEND = f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"


def _unavailable(function: Callable) -> Callable:  # pragma: no cover (no framework installed)
    return function


_decorate: Callable = task if task is not None else _unavailable


@_decorate
def send_code(challenge_id: str, domain: str, site: str, language: str | None = None) -> str:
    """Send a queued challenge's code and record the outcome; returns the delivery status.

    ``language`` is the one the request was answered in, so that the SMS speaks it too (a
    worker has no request to read it from); None, as in tasks queued before it was passed,
    keeps the worker's own.

    Safe to run twice (queues deliver at least once): only the run whose conditional UPDATE
    takes the challenge out of "queued" (stamping ``claimed_at``: the lease starts) sends. A
    challenge replaced, expired or locked before a worker got to it gets no SMS, since nobody
    could use its code, and says so in its own delivery status. The outcome is recorded only
    while the claim holds: a send that outlived WEBOTP_SEND_LEASE was closed as failed by a
    sweeper (``delivery.sweep``), and a late outcome changes nothing.
    """
    now = timezone.now()
    claimable = Challenge.objects.filter(
        open_q(),
        pk=challenge_id,
        delivery_status=DeliveryStatus.QUEUED,
        expires_at__gt=now,
        attempts__lt=F("max_attempts"),
    )
    if not claimable.update(delivery_status=DeliveryStatus.PENDING, claimed_at=now):
        return sweep.withdraw(challenge_id)  # closed while queued, taken already, or gone
    challenge = Challenge.objects.get(pk=challenge_id)
    challenge.claim = challenge.claimed_at
    withheld = spec(challenge.purpose).unknown_numbers_withheld
    if withheld and not PhoneIdentity.objects.sign_in_code_goes_to(challenge.phone_number):
        # Decided here rather than in the request, so an unknown number's code page goes
        # through the same "sending..." step as a known one's.
        Challenge.objects.filter(pk=challenge.pk, claimed_at=challenge.claim).update(
            delivery_status=DeliveryStatus.SUPPRESSED
        )
        return DeliveryStatus.SUPPRESSED
    with translation.override(language) if language else nullcontext():
        failure = send.send_challenge(challenge, None, domain=domain, site=site)
    if not challenge.outcome_recorded:
        logger.warning(
            "A send to %s finished after its %s s lease, once it had been closed as failed; "
            "its code does not work. Are the provider's timeouts longer than WEBOTP_SEND_LEASE?",
            send.mask(challenge.phone),
            webotp_settings.SEND_LEASE,
        )
        return "lapsed"
    error = send.announce(challenge, None, failure)
    return DeliveryStatus.FAILED if error else DeliveryStatus.SENT


@_decorate
def send_notice(to: str, body: str) -> str:
    """Send an SMS that carries no code (such as "your number was changed"); at least once."""
    return "sent" if send.send_notice(to, body) else "failed"


@_decorate
def send_email(subject: str, body: str, to: str) -> str:
    """Send an e-mail notice to an account's owner (``mail``); a failure is the task's, for its
    backend to retry."""
    send_mail(subject, body, None, [to])
    return "sent"


def queue_email(subject: str, body: str, to: str) -> None:
    """Send (or, with ``WEBOTP_DELIVERY = "task"``, queue) an e-mail notice; never raises for a
    mail server or queue failure, which is logged."""
    if _queued(send_email, "an e-mail notice", subject, body, to):
        return
    try:
        send_mail(subject, body, None, [to])
    except Exception as exc:  # the mail server is down: what the e-mail was for goes on
        logger.warning("Could not e-mail a notice (%s): %s", subject, exc)


def _queued(task_function: Any, what: str, *args: str) -> bool:
    """With ``WEBOTP_DELIVERY = "task"``, enqueue ``task_function(*args)``; whether it was. A
    queue that is down is logged and answers False: the caller sends at once rather than not
    at all. A misconfigured one raises."""
    if webotp_settings.DELIVERY != "task":
        return False
    try:
        task_function.enqueue(*args)
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        logger.warning("Could not queue %s, sending it now: %s", what, exc)
        return False
    return True


def queue_code(challenge: Challenge, request: HttpRequest) -> str | None:
    """Enqueue the send (``WEBOTP_DELIVERY = "task"``) once the challenge is committed.

    The worker has no request, so the SMS's host, site name and language are worked out here and
    passed on; the code itself is not: the worker derives it, so no queue ever holds it. Returns an
    error reason when the queue refused the task (the challenge is then closed as failed).
    """
    domain = sms_domain(request)
    name = site_name(request, domain)
    language = get_language()

    failure: list[str | None] = []

    def enqueue() -> None:
        try:
            send_code.enqueue(str(challenge.pk), domain, name, language)
        except ImproperlyConfigured:
            raise
        except Exception as exc:  # the queue is down: say so now, not "sending..." forever
            challenge.mark_failed(f"queue: {exc}")
            failure.append(send.announce(challenge, request, ("queue", exc)))

    # A worker must find the challenge: with ATOMIC_REQUESTS this waits for the commit (and a
    # failure to enqueue then closes the challenge after the response has gone).
    transaction.on_commit(enqueue)
    return failure[0] if failure else None


def queue_notice(to: str, body: str) -> None:
    """Send (or, with ``WEBOTP_DELIVERY = "task"``, queue) a notice SMS; never raises for a
    provider or queue failure."""
    if fixed_code(to) is not None:  # a fictional test number: nobody to tell
        log_use(to, "phone number replaced, no notice sent")
        return
    if not _queued(send_notice, "a notice SMS", to, body):
        send.send_notice(to, body)
