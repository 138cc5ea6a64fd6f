"""Receipts from your own gateway, signed like the webhook backend's requests.

``POST`` JSON ``{"id": "<the id we sent>", "status": "queued|sent|delivered|undelivered|failed",
"error_code": "<optional, the gateway's or carrier's>"}`` signed with ``WEBOTP_WEBHOOK_SECRET``
the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), or,
while ``WEBOTP_WEBHOOK_LEGACY_SIGNATURES`` is on (deprecated), with ``X-WebOTP-Timestamp`` and
``X-WebOTP-Signature``. A timestamp further than ``WEBOTP_WEBHOOK_TOLERANCE`` seconds from now
is refused, so a captured receipt cannot be replayed later. Amazon SNS delivery logs can reach
this view too: a small CloudWatch Logs subscription (a Lambda function) that signs and forwards
them (docs/howto/receipts.md).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..models import DeliveryStatus
from ..sms import standard_webhooks
from ..sms.backends.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from .apply import ForgedReceipt, MalformedReceipt, Receipt, json_object

__all__ = ["read"]

ACCEPTED = {"queued", "sent", "delivered", "undelivered", "failed"}


def signed(request: HttpRequest) -> bool:
    """Whether the receipt is signed with our secret, by either scheme the settings accept."""
    secret, tolerance = webotp_settings.WEBHOOK_SECRET or "", webotp_settings.WEBHOOK_TOLERANCE
    if standard_webhooks.SIGNATURE_HEADER in request.headers:
        return standard_webhooks.verify(secret, request.headers, request.body, tolerance)
    return bool(webotp_settings.WEBHOOK_LEGACY_SIGNATURES) and verify(
        secret,
        request.headers.get(TIMESTAMP_HEADER, ""),
        request.body,
        request.headers.get(SIGNATURE_HEADER, ""),
        tolerance,
    )


def read(request: HttpRequest) -> Receipt:
    if not signed(request):
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
