"""The API's error bodies: ``{"error": "<stable code>", "message": "<a sentence>", ...}``.

The codes are the contract with clients (the OpenAPI document lists them per route); the
messages are for people and are translated.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

from ..abuse.refusal import Refusal
from ..wording import please_wait

__all__ = [
    "CODES",
    "error",
    "method_not_allowed",
    "rate_limited",
]

#: Every error code the API answers with, and the HTTP status it always comes with.
CODES: dict[str, int] = {
    "invalid_request": 400,
    "invalid_phone": 400,
    "region_not_allowed": 400,
    "number_type_not_allowed": 400,
    "bot_check_failed": 400,
    "no_challenge": 400,
    "invalid_code": 400,
    "locked": 400,
    "expired": 400,
    "used": 400,
    "replaced": 400,
    "superseded": 400,  # the code of a challenge a newer one replaced: no attempt spent
    "undelivered": 400,
    "passkey_refused": 400,  # with "reason": no_ceremony, invalid, unknown, cloned, duplicate
    "account_unavailable": 403,
    "not_signed_in": 403,  # adding a passkey needs a signed-in account
    "recovery_wait": 403,  # a recovery by SMS of an account with a passkey waits: retry_after
    "reauth_required": 403,  # ... that authenticated recently (WEBOTP_REAUTH_MAX_AGE)
    "passkeys_off": 404,  # WEBOTP_PASSKEYS is off
    "invalid_flow_token": 400,  # token mode: a forged, altered, expired or foreign flow token
    "csrf_failed": 403,
    "method_not_allowed": 405,
    "delivery_failed": 424,  # Failed Dependency: the SMS provider, not the person, failed
    "rate_limited": 429,
    "session_unavailable": 503,  # the session store failed after the code was used up
}


def error(code: str, message: str, **extra: Any) -> JsonResponse:
    """The JSON error response for ``code``, with its fixed HTTP status."""
    return JsonResponse({"error": code, "message": str(message), **extra}, status=CODES[code])


def rate_limited(refusal: Refusal) -> JsonResponse:
    """429 with ``Retry-After``, whichever limit or budget refused (the scope stays private)."""
    message = please_wait(refusal.retry_after)
    response = error("rate_limited", message, retry_after=refusal.retry_after)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def method_not_allowed(method: str, allowed: tuple[str, ...]) -> JsonResponse:
    message = _("This address does not accept %(method)s requests.") % {"method": method[:16]}
    response = error("method_not_allowed", message)
    response["Allow"] = ", ".join(allowed)
    return response
