"""Twilio status callbacks: form POSTs signed with ``X-Twilio-Signature``.

The signature is checked with the SDK's ``RequestValidator`` and ``WEBOTP_TWILIO_AUTH_TOKEN``
(Twilio signs with the account's auth token even when messages are sent with an API key), over
the URL Twilio called: ``request.build_absolute_uri()``, so behind a TLS-terminating proxy set
``SECURE_PROXY_SSL_HEADER`` (and ``USE_X_FORWARDED_HOST`` if the host changes) or the URL, and
so the signature, will not match.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..models import DeliveryStatus
from .apply import ForgedReceipt, MalformedReceipt, Receipt, form_fields

__all__ = ["STATUSES", "read"]

logger = logging.getLogger("django_webotp")

# Twilio's MessageStatus values (https://www.twilio.com/docs/messaging/api/message-resource).
STATUSES = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENT,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}


def read(request: HttpRequest) -> Receipt:
    token = webotp_settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        raise ForgedReceipt("unsigned")
    if not token:
        logger.error("A Twilio receipt arrived but WEBOTP_TWILIO_AUTH_TOKEN is not set.")
        raise ForgedReceipt("no auth token to check it with")
    try:
        from twilio.request_validator import RequestValidator
    except ImportError:
        logger.error("A Twilio receipt arrived but the Twilio SDK is not installed.")
        raise ForgedReceipt("no SDK to check it with") from None
    form = form_fields(request)
    if not RequestValidator(token).validate(request.build_absolute_uri(), form, signature):
        raise ForgedReceipt("bad signature")
    sid = form.get("MessageSid") or form.get("SmsSid", "")
    raw_status = form.get("MessageStatus") or form.get("SmsStatus", "")
    if not (sid and raw_status):
        raise MalformedReceipt(_("MessageSid and MessageStatus are required."))
    return Receipt(
        provider="twilio",
        message_id=sid,
        raw_status=raw_status,
        status=STATUSES.get(raw_status),
        error_code=form.get("ErrorCode", ""),
    )
