"""Sending SMS, shaped like ``django.core.mail``: a message type, pluggable backends, an outbox.

Pick a backend with ``WEBOTP_SMS_BACKEND`` (a dotted path to a class named ``SmsBackend``), the
way ``EMAIL_BACKEND`` picks a mail backend. The ``locmem`` backend collects messages in
``django_webotp.sms.outbox`` for tests, like ``django.core.mail.outbox``. A backend is cheap to
build: the provider's client it sends through is kept for the process (``sms/clients.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import webotp_settings

__all__ = ["SmsMessage", "asend_sms", "get_connection", "outbox", "send_sms"]

# Filled by the locmem backend; tests clear it (the ``sms_outbox`` fixture does).
outbox: list[SmsMessage] = []


@dataclass
class SmsMessage:
    """One text message. ``to`` is an E.164 number."""

    to: str
    body: str
    created_at: Any = field(default_factory=timezone.now)
    # Filled in by the backend that sent it.
    provider_message_id: str = ""
    backend: str = ""


def get_connection(backend: str | None = None, fail_silently: bool = False, **kwargs: Any):
    """An instance of the SMS backend named by ``backend`` or ``WEBOTP_SMS_BACKEND``."""
    klass = import_string(backend or webotp_settings.SMS_BACKEND)
    return klass(fail_silently=fail_silently, **kwargs)


def send_sms(to: str, body: str, *, fail_silently: bool = False, connection=None) -> SmsMessage:
    """Send one message and return it, with the provider's message id filled in."""
    message = SmsMessage(to=str(to), body=body)
    connection = connection or get_connection(fail_silently=fail_silently)
    connection.send_messages([message])
    return message


async def asend_sms(
    to: str, body: str, *, fail_silently: bool = False, connection=None
) -> SmsMessage:
    """``send_sms()`` for async code (an ASGI view, a task): the provider's call does not block
    the event loop (``BaseSmsBackend.asend_messages``)."""
    message = SmsMessage(to=str(to), body=body)
    connection = connection or get_connection(fail_silently=fail_silently)
    await connection.asend_messages([message])
    return message
