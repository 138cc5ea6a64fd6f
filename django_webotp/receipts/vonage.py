"""Vonage SMS API delivery receipts (DLRs), signed with the account's signature secret.

This is the SMS API's documented scheme for its webhooks, the ``sig`` parameter: all the
receipt's fields but ``sig``, sorted, joined as ``&key=value`` (with "&" and "=" in values
replaced by "_"), then hashed with the signature secret using the method chosen in the dashboard
(an HMAC: md5, sha1, sha256 or sha512). The JWT bearer tokens of "signed webhooks" belong to the
Messages API, which this backend does not use. The SDK's ``Auth.check_signature`` does the check;
signed receipts must be switched on for the account by Vonage support.

Receipts come as GET query strings, form POSTs, or JSON POSTs, as set in the dashboard.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..models import DeliveryStatus
from .apply import ForgedReceipt, MalformedReceipt, Receipt, form_fields, json_object

__all__ = ["STATUSES", "read"]

logger = logging.getLogger("django_webotp")

SIGNATURE_METHODS = ("md5", "sha1", "sha256", "sha512")

# DLR "status" values (https://developer.vonage.com/messaging/sms/guides/delivery-receipts).
STATUSES = {
    "accepted": DeliveryStatus.SENT,  # taken by the downstream carrier
    "buffered": DeliveryStatus.SENT,  # held by the carrier (phone off, say) and still trying
    "delivered": DeliveryStatus.DELIVERED,
    "expired": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "rejected": DeliveryStatus.FAILED,
}


#: A hex digest: md5 (32 digits) to sha512 (128). Anything else cannot be a signature, and the
#: SDK's comparison raises on non-ASCII text.
SIGNATURE = re.compile(r"[0-9a-fA-F]{32,128}")
#: "timestamp", when the receipt was signed: Unix seconds (or, to be lenient, the
#: "message-timestamp" form, "YYYY-MM-DD HH:MM:SS" in UTC).
UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def _fields(request: HttpRequest) -> dict[str, str]:
    if request.method == "GET":
        return request.GET.dict()
    if request.content_type == "application/json":
        data = json_object(request.body)
        return {
            str(key): value if isinstance(value, str) else str(value) for key, value in data.items()
        }
    return {key: str(value) for key, value in form_fields(request).dict().items()}


def _is_text(fields: dict[str, str]) -> bool:
    """Whether every name and value can be signed: a lone surrogate ("\\ud800" in JSON) cannot."""
    try:
        "".join(f"{key}{value}" for key, value in fields.items()).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def signed_at(value: str) -> float | None:
    """The receipt's "timestamp" as Unix time; None when it is neither form."""
    if UNIX_SECONDS.fullmatch(value):
        return float(value)
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _check_freshness(fields: dict[str, str]) -> None:
    """MalformedReceipt unless the signed "timestamp" is within VONAGE_TOLERANCE of now."""
    sent = signed_at(fields["timestamp"])
    if sent is None or abs(time.time() - sent) > webotp_settings.VONAGE_TOLERANCE:
        raise MalformedReceipt(
            _(
                "This delivery receipt is too old, or dated in the future: a receipt is "
                "accepted only within %(seconds)d seconds of its timestamp."
            )
            % {"seconds": webotp_settings.VONAGE_TOLERANCE}
        )


def read(request: HttpRequest) -> Receipt:
    try:
        fields = _fields(request)
    except MalformedReceipt:
        raise ForgedReceipt("unreadable, so unsigned") from None
    secret = webotp_settings.VONAGE_SIGNATURE_SECRET
    if not fields.get("sig"):
        raise ForgedReceipt("unsigned")
    if not SIGNATURE.fullmatch(fields["sig"]) or not _is_text(fields):
        raise ForgedReceipt("not a signature, or fields that cannot have been signed")
    method = webotp_settings.VONAGE_SIGNATURE_METHOD
    if not secret or method not in SIGNATURE_METHODS:
        logger.error(
            "A Vonage receipt arrived but WEBOTP_VONAGE_SIGNATURE_SECRET is not set or "
            "WEBOTP_VONAGE_SIGNATURE_METHOD is not one of %s.",
            ", ".join(SIGNATURE_METHODS),
        )
        raise ForgedReceipt("no signature secret to check it with")
    try:
        from vonage_http_client import Auth
    except ImportError:
        logger.error("A Vonage receipt arrived but the Vonage SDK is not installed.")
        raise ForgedReceipt("no SDK to check it with") from None
    auth = Auth(
        api_key=webotp_settings.VONAGE_API_KEY or fields.get("api-key") or "-",
        signature_secret=secret,
        signature_method=method,
    )
    if not fields.get("timestamp") or not auth.check_signature(dict(fields)):
        raise ForgedReceipt("bad signature")
    _check_freshness(fields)  # signed, so the timestamp is Vonage's: a replay if it is old
    message_id = fields.get("messageId", "")
    raw_status = fields.get("status", "")
    if not (message_id and raw_status):
        raise MalformedReceipt(_("messageId and status are required."))
    error_code = fields.get("err-code", "")
    return Receipt(
        provider="vonage",
        message_id=message_id,
        raw_status=raw_status,
        status=STATUSES.get(raw_status),
        error_code="" if error_code == "0" else error_code,  # "0" means delivered
    )
