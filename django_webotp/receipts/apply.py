"""Record a delivery receipt and move the challenge's delivery status forward, never back.

Receipts can arrive twice, late, or out of order. The order is pending < queued < sent <
undelivered = failed < delivered: a receipt only ever raises the status, so "sent" arriving after
"delivered" changes nothing, while a late "delivered" still overrides an earlier failure (a
carrier that retried). Each move is one conditional UPDATE, so concurrent receipts cannot undo
each other; the same receipt twice is one timeline event (a unique constraint).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from ..models import Challenge, DeliveryEvent, DeliveryStatus
from ..signals import delivery_status_changed

__all__ = [
    "RANK",
    "ForgedReceipt",
    "MalformedReceipt",
    "Receipt",
    "checked",
    "form_fields",
    "json_object",
    "record",
]

RANK: dict[str, int] = {
    DeliveryStatus.PENDING: 0,
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.UNDELIVERED: 3,
    DeliveryStatus.FAILED: 3,
    DeliveryStatus.DELIVERED: 4,
}


class ForgedReceipt(Exception):
    """The signature is missing, wrong, stale, or cannot be checked here: answered with 403."""


class MalformedReceipt(Exception):
    """Correctly signed, but without the fields a receipt needs: answered with 400."""


def json_object(body: bytes) -> dict[str, Any]:
    """The receipt's body as a JSON object, or MalformedReceipt saying what is wrong with it."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep to read
        raise MalformedReceipt(_("The body is not JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedReceipt(_("The body is not a JSON object."))
    return data


def form_fields(request: HttpRequest) -> QueryDict:
    """``request.POST``, or MalformedReceipt when Django cannot read the form.

    A malformed multipart body, a form declared in a charset other than UTF-8, or a charset
    naming a codec that cannot decode it ("idna") or no text codec at all ("base64").
    """
    try:
        return request.POST
    except (MultiPartParserError, SuspiciousOperation, BadRequest, UnicodeError, LookupError):
        raise MalformedReceipt(_("The body is not a form that can be read.")) from None


def checked(receipt: Receipt) -> Receipt:
    """``receipt``, or MalformedReceipt if a field holds what no database column can (NUL)."""
    if "\x00" in receipt.message_id + receipt.raw_status + receipt.error_code:
        raise MalformedReceipt(_("A receipt's fields cannot hold NUL characters."))
    return receipt


@dataclass(frozen=True)
class Receipt:
    """What a provider said about one message, read from a request whose signature checked out."""

    provider: str
    message_id: str
    raw_status: str
    #: Our DeliveryStatus for ``raw_status``; None when it has no counterpart (kept, not applied).
    status: str | None
    error_code: str = ""


@transaction.atomic
def record(receipt: Receipt) -> Challenge | None:
    """Apply ``receipt``; the challenge it is about, or None when no challenge has that id."""
    challenge = (
        Challenge.objects.filter(provider_message_id=receipt.message_id)
        .order_by("-created_at")
        .first()
    )
    if challenge is None:
        return None
    _, created = DeliveryEvent.objects.get_or_create(
        challenge=challenge,
        provider=receipt.provider[:32],
        raw_status=receipt.raw_status[:64],
        error_code=receipt.error_code[:32],
        defaults={"status": receipt.status or ""},
    )
    if created and receipt.status in RANK:
        old_status = challenge.delivery_status
        lower = [status for status, rank in RANK.items() if rank < RANK[receipt.status]]
        moved = Challenge.objects.filter(pk=challenge.pk, delivery_status__in=lower).update(
            delivery_status=receipt.status, delivery_error_code=receipt.error_code[:32]
        )
        challenge.refresh_from_db(fields=["delivery_status", "delivery_error_code"])
        if moved:  # the row count decides: a receipt that changed nothing says nothing
            transaction.on_commit(lambda: _announce(challenge, old_status, receipt))
    return challenge


def _announce(challenge: Challenge, old_status: str, receipt: Receipt) -> None:
    delivery_status_changed.send(
        sender=Challenge,
        challenge=challenge,
        old_status=old_status,
        new_status=receipt.status,
        provider=receipt.provider,
        receipt=receipt,
    )
