"""Sending codes off the request path, on Django's tasks framework.

With ``WEBOTP_DELIVERY = "task"``, ``challenges.start()`` creates the challenge as queued and
enqueues ``send_code``; a worker sends the SMS and records the outcome on the challenge. Django
6.0 and later have the framework built in (``django.tasks``); Django 5.2 uses its backport,
``pip install "django-webotp[tasks]"`` (``django_tasks``). Either reads the ``TASKS`` setting.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from django.utils import translation

from .conf import webotp_settings
from .models import Challenge, DeliveryStatus, PhoneIdentity, Purpose, Status

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

__all__ = ["DEFAULT_TASK_BACKEND", "TASKS_AVAILABLE", "TASKS_PACKAGE", "send_code", "send_notice"]

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

    Safe to run twice (queues deliver at least once): only the run whose UPDATE takes the
    challenge out of "queued" sends. A challenge replaced or expired before a worker got to it
    gets no SMS, since nobody could use its code.
    """
    from .challenges import deliver_code

    queued = Challenge.objects.filter(pk=challenge_id, delivery_status=DeliveryStatus.QUEUED)
    if not queued.update(delivery_status=DeliveryStatus.PENDING):
        return "skipped"  # an earlier run of this task took it, or the challenge is gone
    challenge = Challenge.objects.get(pk=challenge_id)
    if challenge.status is not Status.PENDING:
        return "skipped"  # replaced or expired while queued: stays "not sent yet"
    if challenge.purpose == Purpose.LOGIN and not webotp_settings.SIGNUP and not _known(challenge):
        # Decided here rather than in the request, so an unknown number's code page goes
        # through the same "sending..." step as a known one's.
        Challenge.objects.filter(pk=challenge.pk).update(delivery_status=DeliveryStatus.SUPPRESSED)
        return DeliveryStatus.SUPPRESSED
    with translation.override(language) if language else nullcontext():
        error = deliver_code(challenge, None, domain=domain, site=site)
    return DeliveryStatus.FAILED if error else DeliveryStatus.SENT


def _known(challenge: Challenge) -> bool:
    return PhoneIdentity.objects.filter(phone_number=challenge.phone_number).exists()


@_decorate
def send_notice(to: str, body: str) -> str:
    """Send an SMS that carries no code (such as "your number was changed"); at least once."""
    from .phone_change import send_notice as send_now

    return "sent" if send_now(to, body) else "failed"
