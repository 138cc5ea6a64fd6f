"""Another app's code as our SMS: the destination rules and the SMS budgets first, then the
purpose's own text and the origin-bound line, sent through WEBOTP_SMS_BACKEND.

The other app made the code and checks it; only the sending is ours. What is not ours either:
the per-IP and per-number rate limits (the other app has its own) and the bot check (its forms
would have to show one). What stops a code here is what protects the site's SMS bill.
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from phonenumber_field.phonenumber import PhoneNumber

from .. import signals
from ..abuse import budgets, counters
from ..abuse.clients import client_ip
from ..abuse.destinations import destination_refusal
from ..abuse.refusal import Refusal
from ..conf import webotp_settings
from ..delivery.compose import origin_bound_body, site_name, sms_domain
from ..delivery.send import mask, send_within_deadline
from ..models import Challenge
from ..phone import parse_phone
from ..purposes import spec
from ..sms import SmsMessage, get_connection
from ..test_numbers import fixed_code

__all__ = ["missing", "refusal", "send_code"]

logger = logging.getLogger("django_webotp")


def missing(package: str, extra: str) -> ImproperlyConfigured:
    """The error of an integration whose package is not installed: which pip install adds it."""
    return ImproperlyConfigured(
        f'This integration needs {package}: pip install "django-webotp[{extra}]"'
    )


def refusal(request: HttpRequest | None, number: PhoneNumber, purpose: str) -> Refusal | None:
    """Why no code may go to ``number`` now (a destination rule, a spent budget), or None.

    A budget that refuses sends ``budget_exceeded``, as it does for the app's own codes.
    """
    found = destination_refusal(number)
    if found is not None or fixed_code(number.as_e164) is not None:
        return found
    now = int(time.time())
    ip = client_ip(request) if request is not None else None
    outcome = counters.count(budgets.steps(number.as_e164, now, purpose=purpose, ip=ip), now)
    exceeded = budgets.exceeded(outcome)
    if exceeded is not None:
        signals.budget_exceeded.send(
            sender=Challenge,
            request=request,
            phone_number=number.as_e164,
            purpose=purpose,
            reason=exceeded.scope,
            scope_value=exceeded.value if exceeded.scope != "number" else number.as_e164,
            rate=exceeded.rate,
            retry_after=exceeded.retry_after,
        )
    return exceeded


def send_code(request: HttpRequest | None, phone: str, code: str, purpose: str) -> Refusal | None:
    """Send ``code`` to ``phone`` with ``purpose``'s SMS text; the refusal when none was sent.

    A provider that fails is logged and answered as ``Refusal("send")``: never a 500 for the
    person, who can ask for a new code. A misconfiguration is raised.
    """
    number = parse_phone(phone)
    refused = Refusal("number_type") if number is None else refusal(request, number, purpose)
    if refused is not None or number is None:
        reason = refused.reason if refused is not None else "number_type"
        logger.warning("No %s code sent to %s: %s", purpose, mask(phone), reason)
        return refused or Refusal(reason)
    domain = sms_domain(request)
    context = {
        "code": code,
        "domain": domain,
        "site_name": site_name(request, domain),
        "ttl_minutes": max(round(webotp_settings.CODE_TTL / 60), 1),
    }
    text = str(render_to_string(spec(purpose).sms_template, context, request)).strip()
    message = SmsMessage(to=number.as_e164, body=origin_bound_body(text, code, domain))
    connection = get_connection()  # outside the try: a misconfiguration is raised
    try:
        send_within_deadline(connection, message)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a provider failure must never become a 500
        logger.warning("Could not send a %s code to %s: %s", purpose, mask(phone), exc)
        return Refusal("send")
    return None
