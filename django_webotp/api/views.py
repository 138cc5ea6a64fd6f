"""start, verify, resend and status: the HTML views' flow, answered in JSON.

The session state is the HTML views' own (``views.SESSION_KEY``), so a flow may even start in
one and finish in the other; the rate limits, budgets and bot check are ``challenges``'.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from math import ceil
from typing import Any

from django.contrib.auth import authenticate, login
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from .. import challenges
from ..conf import webotp_settings
from ..forms import CodeForm, PhoneForm
from ..models import Challenge, DeliveryStatus, Verdict
from ..views import (
    SESSION_KEY,
    _current_challenge,
    _remember,
    _state,
    delivery_failed_message,
    safe_next,
    verdict_message,
)
from .decorators import api_view
from .errors import error, rate_limited
from .payload import read_fields

__all__ = ["openapi", "resend", "start", "status", "verify"]

PHONE_ERRORS = ("invalid_phone", "region_not_allowed", "number_type_not_allowed")


def form_error(form: Form, field: str, codes: tuple[str, ...], **extra: Any) -> JsonResponse:
    """The field's first error; its code if the API knows it, else ``codes[0]``."""
    first = form.errors.as_data()[field][0]
    code = first.code if first.code in codes else codes[0]
    return error(code, str(form.errors[field][0]), field=field, **extra)


def resend_in(challenge: Challenge) -> int:
    """Seconds (rounded up) before ``challenges.resend`` accepts this challenge."""
    if challenge.delivery_status == DeliveryStatus.FAILED:
        return 0
    waited = (timezone.now() - challenge.created_at).total_seconds()
    return max(ceil(webotp_settings.RESEND_COOLDOWN - waited), 0)


def expires_in(challenge: Challenge) -> int:
    return max(ceil((challenge.expires_at - timezone.now()).total_seconds()), 0)


def sent(challenge: Challenge) -> JsonResponse:
    """202: the code is on its way (or, for an unknown number while sign-up is off, looks so)."""
    body = {
        "status": "sent",
        "phone_number": str(challenge.phone_number),
        "expires_in": expires_in(challenge),
        "resend_in": resend_in(challenge),
        "code_length": challenge.code_length,
    }
    return JsonResponse(body, status=202)


def no_challenge() -> JsonResponse:
    return error(
        "no_challenge", _("Your sign-in request has expired. Enter your phone number again.")
    )


@api_view("POST")
@sensitive_post_parameters("phone_number")
def start(request: HttpRequest) -> HttpResponse:
    """Send a code to ``phone_number``; ``next`` is where ``verify`` will send the person."""
    form = PhoneForm(read_fields(request, ("phone_number", "next")))
    if not form.is_valid():
        return form_error(form, "phone_number", PHONE_ERRORS)
    result = challenges.start(request, form.cleaned_data["phone_number"])
    if result.refusal:
        return error("bot_check_failed", result.refusal)
    if result.throttle:
        return rate_limited(result.throttle)
    if result.delivery_error:
        return error("delivery_failed", delivery_failed_message())
    assert result.challenge is not None
    _remember(request, result.challenge, form.cleaned_data["next"])
    return sent(result.challenge)


@api_view("POST")
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """Check ``code`` against this session's challenge; sign in exactly as ``VerifyView``."""
    data = read_fields(request, ("code",))
    challenge = _current_challenge(request)
    if challenge is None:
        return no_challenge()
    throttle = challenges.verify_throttle(request, challenge)
    if throttle.limited:
        return rate_limited(throttle)
    form = CodeForm(data, code_length=challenge.code_length)
    if not form.is_valid():
        return form_error(form, "code", ("invalid_code",), attempts_left=challenge.attempts_left)
    verdict = challenges.verify(request, challenge, form.cleaned_data["code"])
    if verdict is Verdict.VERIFIED:
        user = authenticate(request, webotp_challenge=challenge)
        if user is None:
            return error("account_unavailable", _("This phone number cannot be used to sign in."))
        next_url = _state(request).get("next")
        login(request, user)
        request.session.pop(SESSION_KEY, None)
        return JsonResponse({"status": "verified", "redirect": safe_next(request, next_url)})
    message = verdict_message(verdict, challenge)
    if verdict is Verdict.WRONG:
        return error("invalid_code", message, field="code", attempts_left=challenge.attempts_left)
    return error(str(verdict), message, attempts_left=challenge.attempts_left)


@api_view("POST")
def resend(request: HttpRequest) -> HttpResponse:
    """A new code to the same number; the previous one stops working."""
    read_fields(request, ())  # a bot check may read its token from the body
    challenge = _current_challenge(request)
    if challenge is None:
        return no_challenge()
    result = challenges.resend(request, challenge)
    if result.throttle:
        return rate_limited(result.throttle)
    if result.refusal:
        return error("bot_check_failed", result.refusal)
    assert result.challenge is not None
    _remember(request, result.challenge, _state(request).get("next", ""))
    if result.delivery_error:
        return error("delivery_failed", delivery_failed_message())
    return sent(result.challenge)


def delivery(challenge: Challenge) -> str:
    """sent, delivered, undelivered or failed: what a client may learn about the SMS.

    An unknown number gets no SMS while sign-up is off, yet must look like a known one, so
    "suppressed" reads "sent", and carrier receipts (which only real SMS get) are not shown.
    """
    value = challenge.delivery_status
    if value == DeliveryStatus.FAILED:
        return "failed"
    if value in (DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED):
        return value if webotp_settings.SIGNUP else "sent"
    return "sent"


@api_view("GET")
def status(request: HttpRequest) -> HttpResponse:
    """This session's challenge, if any. Also sets the CSRF cookie the POST routes need."""
    get_token(request)
    challenge = _current_challenge(request)
    if challenge is None:
        return no_challenge()
    body = {
        "state": str(challenge.status),
        "phone_number": str(challenge.phone_number),
        "expires_in": expires_in(challenge),
        "attempts_left": challenge.attempts_left,
        "code_length": challenge.code_length,
        "delivery": delivery(challenge),
        "resend_in": resend_in(challenge),
    }
    return JsonResponse(body)


@cache
def _document() -> dict[str, Any]:
    return json.loads(
        files("django_webotp.api").joinpath("openapi.json").read_text(encoding="utf-8")
    )


def document() -> dict[str, Any]:
    """The OpenAPI document shipped with the package (a fresh copy)."""
    return json.loads(json.dumps(_document()))


@api_view("GET")
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document, its server set to where this URLconf mounted the API."""
    spec = document()
    spec["servers"] = [{"url": request.path.removesuffix("openapi.json").rstrip("/")}]
    return JsonResponse(spec)
