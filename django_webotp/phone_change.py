"""Add or change a signed-in user's phone number: the new number proves itself by code first.

A number another account has already verified is refused without saying so, or which account it
is: the person gets the same "we sent a code" page as for a free number, the SMS to that number
carries a notice instead of a code, and whatever code is typed is judged wrong, attempts counted
as usual. Only whoever holds that phone learns the number is in use, and they could sign in with
it anyway. Once the new number is verified it replaces the user's numbers, and each number it
replaced gets a notice SMS.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from . import challenges, signals
from .challenges import StartResult, phone_held_by_another, sms_domain
from .conf import webotp_settings
from .models import Challenge, PhoneIdentity, Purpose, Verdict
from .sms import SmsMessage, get_connection
from .test_numbers import fixed_code, log_use

__all__ = ["SESSION_KEY", "complete", "send_notice", "start", "verify"]

logger = logging.getLogger("django_webotp")

#: The session key of the code page's challenge.
SESSION_KEY = "webotp_phone"
NOTICE_TEMPLATE = "django_webotp/sms/phone_changed.txt"


def start(request: HttpRequest, user: Any, phone_number: str) -> StartResult:
    """Send a code to the number ``user`` wants to add (limits and budgets as for a sign-in)."""
    return challenges.start(request, phone_number, Purpose.PHONE_CHANGE, user=user)


def verify(request: HttpRequest, user: Any, challenge: Challenge, code: str) -> Verdict:
    """Judge the code typed for the new number."""
    if phone_held_by_another(challenge.phone, user.pk):
        # Its SMS carried no code: judged as a wrong guess (no code is empty), so the answer and
        # the attempts left read exactly as they would for a free number.
        return challenges.verify(request, challenge, "")
    return challenges.verify(request, challenge, code)


def complete(request: HttpRequest, user: Any, challenge: Challenge) -> bool:
    """Make the just-verified number the user's only one; notify the numbers it replaced.

    False when the number was taken by another account in the meantime (nothing changes then).
    """
    new = challenge.phone
    try:
        with transaction.atomic():
            mine = PhoneIdentity.objects.select_for_update().filter(user=user)
            old = [str(number) for number in mine.values_list("phone_number", flat=True)]
            mine.exclude(phone_number=new).delete()
            if new in old:
                mine.update(verified_at=timezone.now())
            else:
                PhoneIdentity.objects.create(user=user, phone_number=new)
    except IntegrityError:
        return False
    replaced = [number for number in old if number != new]
    body = _notice_body(request, new) if replaced else ""

    def notify() -> None:
        for number in replaced:
            _queue_or_send(number, body)

    transaction.on_commit(notify)
    signals.phone_changed.send(
        sender=PhoneIdentity, request=request, user=user, phone_number=new, old_numbers=replaced
    )
    return True


def _notice_body(request: HttpRequest, new: str) -> str:
    domain = sms_domain(request)
    context = {"site_name": challenges.site_name(request, domain), "ending": new[-2:]}
    return render_to_string(NOTICE_TEMPLATE, context, request).strip()


def _queue_or_send(to: str, body: str) -> None:
    if fixed_code(to) is not None:  # a fictional test number: nobody to tell
        log_use(to, "phone number replaced, no notice sent")
        return
    if webotp_settings.DELIVERY == "task":
        from .tasks import send_notice as send_notice_task

        try:
            send_notice_task.enqueue(to, body)
            return
        except ImproperlyConfigured:
            raise
        except Exception as exc:  # the queue is down: send it now rather than not at all
            logger.warning("Could not queue a notice SMS, sending it now: %s", exc)
    send_notice(to, body)


def send_notice(to: str, body: str) -> bool:
    """Send an SMS that carries no code; a failure is logged, never raised."""
    try:
        get_connection().send_messages([SmsMessage(to=to, body=body)])
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a notice that fails must not undo the change it reports
        logger.warning("Could not send a notice SMS to %s…%s: %s", to[:4], to[-2:], exc)
        return False
    return True
