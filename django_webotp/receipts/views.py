"""The receipt endpoints: CSRF-exempt (providers hold no CSRF token) but signature-checked."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import twilio as twilio_receipts
from . import vonage as vonage_receipts
from . import webhook as webhook_receipts
from .apply import ForgedReceipt, MalformedReceipt, Receipt, checked, record

__all__ = ["twilio", "vonage", "webhook"]

logger = logging.getLogger("django_webotp")


def _receipt_view(reader: Callable[[HttpRequest], Receipt], methods: list[str]):
    @csrf_exempt
    @require_http_methods(methods)
    def view(request: HttpRequest) -> HttpResponse:
        try:
            receipt = checked(reader(request))
        except ForgedReceipt as exc:
            logger.warning("Refused a delivery receipt at %s: %s.", request.path, exc)
            return _text(403, _("This delivery receipt is not signed by the SMS provider."))
        except MalformedReceipt as exc:
            return _text(400, str(exc))
        record(receipt)
        # 204 for known and unknown message ids alike: the provider has nothing to retry.
        return HttpResponse(status=204)

    return view


def _text(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


twilio = _receipt_view(twilio_receipts.read, ["POST"])
vonage = _receipt_view(vonage_receipts.read, ["GET", "POST"])
webhook = _receipt_view(webhook_receipts.read, ["POST"])
