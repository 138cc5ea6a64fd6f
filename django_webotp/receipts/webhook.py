"""Receipts from your own gateway, signed exactly like the webhook backend's requests.

``POST`` JSON ``{"id": "<the id we sent>", "status": "queued|sent|delivered|undelivered|failed",
"error_code": "<optional, the gateway's or carrier's>"}`` with ``X-WebOTP-Timestamp`` and
``X-WebOTP-Signature`` computed over the raw body with ``WEBOTP_WEBHOOK_SECRET``; a timestamp
further than ``WEBOTP_WEBHOOK_TOLERANCE`` seconds from now is refused, so a captured receipt
cannot be replayed later. Amazon SNS delivery logs can reach this view too: a small CloudWatch
Logs subscription (a Lambda function) that signs and forwards them (README: "Going live").
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..models import DeliveryStatus
from ..sms.backends.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from .apply import ForgedReceipt, MalformedReceipt, Receipt, json_object

__all__ = ["read"]

ACCEPTED = {"queued", "sent", "delivered", "undelivered", "failed"}


def read(request: HttpRequest) -> Receipt:
    if not verify(
        webotp_settings.WEBHOOK_SECRET or "",
        request.headers.get(TIMESTAMP_HEADER, ""),
        request.body,
        request.headers.get(SIGNATURE_HEADER, ""),
        webotp_settings.WEBHOOK_TOLERANCE,
    ):
        raise ForgedReceipt("missing, wrong or stale signature")
    data = json_object(request.body)
    message_id, status = data.get("id"), data.get("status")
    error_code = data.get("error_code") or ""
    if not (isinstance(message_id, str) and message_id and isinstance(status, str)) or (
        status not in ACCEPTED
    ):
        raise MalformedReceipt(
            _('A receipt needs "id", and a "status" that is one of: %(statuses)s.')
            % {"statuses": ", ".join(sorted(ACCEPTED))}
        )
    return Receipt(
        provider="webhook",
        message_id=message_id,
        raw_status=status,
        status=DeliveryStatus(status),
        error_code=str(error_code),
    )
