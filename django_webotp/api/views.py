"""start, verify, resend and status: the sign-in code step, answered in JSON.

The code step is the HTML pages' own (``flows.CodeStep`` of the login purpose, in the session),
so a sign-in may even start in one front end and finish in the other; the words are
``wording``'s, the rules the flows'.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from math import ceil
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from ..abuse.devices import remember_browser
from ..conf import webotp_settings
from ..flows import flow_token
from ..flows.challenges import resend_in, shown_state
from ..flows.code_step import CodeStep
from ..flows.recovery import RecoveryWait
from ..flows.signin import SessionUnavailable, safe_next, sign_in
from ..forms import CodeForm, PhoneForm
from ..models import Challenge, DeliveryStatus, Purpose, Verdict
from ..purposes import withholds_unknown_numbers
from ..wording import (
    account_unavailable,
    delivery_failed,
    lost_message,
    session_unavailable,
    verdict_message,
)
from . import tokens
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


def expires_in(challenge: Challenge) -> int:
    return max(ceil((challenge.expires_at - timezone.now()).total_seconds()), 0)


def sent(request: HttpRequest, challenge: Challenge) -> JsonResponse:
    """202: the code is on its way (or, for an unknown number while sign-up is off, looks so);
    in token mode, with the flow token that names it."""
    body = {
        "status": "sent",
        "phone_number": str(challenge.phone_number),
        "expires_in": expires_in(challenge),
        "resend_in": resend_in(challenge),
        "code_length": challenge.code_length,
    }
    return JsonResponse(tokens.with_token(request, body), status=202)


def no_challenge() -> JsonResponse:
    return error("no_challenge", lost_message(Purpose.LOGIN))


@api_view("POST", flow="begin")
@sensitive_post_parameters("phone_number")
def start(request: HttpRequest) -> HttpResponse:
    """Send a code to ``phone_number``; ``next`` is where ``verify`` will send the person."""
    form = PhoneForm(read_fields(request, ("phone_number", "next")))
    if not form.is_valid():
        if "phone_number" in form.errors:
            return form_error(form, "phone_number", PHONE_ERRORS)
        # ``next`` is a string that no form field can hold (a NUL byte, say): not a 500.
        return error(
            "invalid_request",
            _("The address to go to after signing in is not valid."),
            field="next",
        )
    step = CodeStep(request, Purpose.LOGIN)
    result = step.start(
        form.cleaned_data["phone_number"], next_url=form.cleaned_data["next"], remember_failed=False
    )
    if result.refusal and result.refusal.temporary:
        return rate_limited(result.refusal)
    if result.refusal:
        return error("bot_check_failed", result.refusal.message)
    if result.delivery_error:
        return error("delivery_failed", delivery_failed())
    assert result.challenge is not None
    return sent(request, result.challenge)


@api_view("POST", flow="token")
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """Check ``code`` against this session's challenge; sign in exactly as ``VerifyView``."""
    data = read_fields(request, ("code",))
    step = CodeStep(request, Purpose.LOGIN)
    length = step.code_length
    if length is None:
        return no_challenge()
    form = CodeForm(data, code_length=length)
    result = step.check(form.cleaned_data["code"] if form.is_valid() else None)
    challenge = result.challenge
    if challenge is None:
        return no_challenge()
    if result.refusal:
        return rate_limited(result.refusal)
    if result.verdict is None:
        return form_error(form, "code", ("invalid_code",), attempts_left=challenge.attempts_left)
    if result.verified and tokens.active(request):
        return verified_by_token(request, step, challenge)
    if result.verified:
        try:
            redirect = sign_in(request, challenge, step.next_url)
        except SessionUnavailable:
            return error("session_unavailable", session_unavailable())
        except RecoveryWait as wait:
            return recovery_wait(wait)
        if redirect is None:
            return error("account_unavailable", account_unavailable())
        step.forget()
        response = JsonResponse({"status": "verified", "redirect": redirect})
        remember_browser(request, response, challenge.phone)
        return response
    message = verdict_message(result.verdict, challenge)
    if result.verdict is Verdict.WRONG:
        return error("invalid_code", message, field="code", attempts_left=challenge.attempts_left)
    if result.verdict is Verdict.SUPERSEDED:  # the challenge still waits, no attempt was spent
        return error("superseded", message, field="code", attempts_left=challenge.attempts_left)
    return error(str(result.verdict), message, attempts_left=challenge.attempts_left)


def recovery_wait(wait: RecoveryWait) -> JsonResponse:
    """403 with ``Retry-After``: this account's recovery by SMS waits (the code is used up)."""
    response = error("recovery_wait", str(wait), retry_after=wait.seconds)
    response["Retry-After"] = str(wait.seconds)
    return response


def verified_by_token(request: HttpRequest, step: CodeStep, challenge: Challenge) -> JsonResponse:
    """Token mode's sign-in: no cookie session to log in, the site's credential instead."""
    try:
        user = flow_token.authenticate_user(request, challenge)
    except RecoveryWait as wait:
        return recovery_wait(wait)
    if user is None:
        return error("account_unavailable", account_unavailable())
    body = {"status": "verified", "redirect": safe_next(request, step.next_url)}
    step.forget()
    return JsonResponse({**tokens.issued(request, user), **body})


@api_view("POST", flow="token")
def resend(request: HttpRequest) -> HttpResponse:
    """A new code to the same number; the previous one stops working."""
    read_fields(request, ())  # a bot check may read its token from the body
    result = CodeStep(request, Purpose.LOGIN).resend()
    if result is None:
        return no_challenge()
    if result.refusal and result.refusal.temporary:
        return rate_limited(result.refusal)
    if result.refusal:
        return error("bot_check_failed", result.refusal.message)
    assert result.challenge is not None
    if result.delivery_error:
        return error("delivery_failed", delivery_failed())
    return sent(request, result.challenge)


def delivery(challenge: Challenge) -> str:
    """What a client may learn about the SMS: sending, sent, delivered, undelivered, failed,
    or not_sent_expired / not_sent_replaced (closed before a task worker got to it).

    An unknown number gets no SMS while sign-up is off, yet must look like a known one, so
    "suppressed" reads "sent", and carrier receipts (which only real SMS get) are not shown.
    """
    if withholds_unknown_numbers(challenge.purpose):
        return "sent"  # a failure, or the moment a send ends, would tell the numbers apart
    value = challenge.delivery_status
    if value in (DeliveryStatus.QUEUED, DeliveryStatus.PENDING):
        return "sending"
    if value == DeliveryStatus.FAILED:
        return "failed"
    if value == DeliveryStatus.QUEUE_EXPIRED:
        return "not_sent_expired"
    if value == DeliveryStatus.QUEUE_REPLACED:
        return "not_sent_replaced"
    if value in (DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED):
        return value if webotp_settings.SIGNUP else "sent"
    return "sent"


@api_view("GET", flow="token")
def status(request: HttpRequest) -> HttpResponse:
    """This session's challenge, if any. Also sets the CSRF cookie the POST routes need (not
    in token mode, which needs none)."""
    if not tokens.active(request):
        get_token(request)
    challenge = CodeStep(request, Purpose.LOGIN).challenge
    if challenge is None:
        return no_challenge()
    body = {
        "state": str(shown_state(challenge)),
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
