"""Passkeys for single-page apps: sign-in and registration options and answers, in JSON.

The ceremonies are ``flows.passkeys``' (the HTML pages use the same): the same session, CSRF
and rate limits as the code routes. The options are ``navigator.credentials``' ``publicKey``
argument with its binary members in base64url; the answer is the credential as
``PublicKeyCredential.toJSON()`` gives it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from ..abuse.ratelimits import hit
from ..conf import webotp_settings
from ..flows import passkeys
from ..flows.signin import SessionUnavailable
from ..wording import session_unavailable
from .decorators import api_view
from .errors import error, rate_limited
from .payload import InvalidRequest, read_object

__all__ = ["register", "register_options", "sign_in", "sign_in_options"]


def _closed(request: HttpRequest) -> HttpResponse | None:
    """A refusal when passkeys are off here, or this client has begun too many ceremonies."""
    if not webotp_settings.PASSKEYS:
        return error("passkeys_off", _("Passkeys are not offered on this site."))
    refusal = hit(request, "passkey", webotp_settings.RATELIMIT_PASSKEY)
    return None if refusal is None else rate_limited(refusal)


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    credential = body.get("credential")
    if not isinstance(credential, dict):
        raise InvalidRequest("credential must be an object.")
    return credential


def _refused(refused: passkeys.PasskeyRefused) -> HttpResponse:
    return error("passkey_refused", str(refused), reason=refused.code)


def _not_signed_in() -> HttpResponse:
    return error("not_signed_in", _("Sign in first: a passkey is added to your own account."))


@api_view("POST")
def sign_in_options(request: HttpRequest) -> HttpResponse:
    """Begin a passkey sign-in: the options for ``navigator.credentials.get()``."""
    closed = _closed(request)
    if closed is not None:
        return closed
    return JsonResponse({"publicKey": passkeys.sign_in_options(request)})


@api_view("POST")
def sign_in(request: HttpRequest) -> HttpResponse:
    """Check ``credential`` (the answer to the options) and sign its account in."""
    closed = _closed(request)
    if closed is not None:
        return closed
    body = read_object(request)
    next_url = body.get("next")
    try:
        redirect = passkeys.sign_in(
            request, _answer(body), next_url if isinstance(next_url, str) else None
        )
    except passkeys.PasskeyRefused as refused:
        if refused.code == "inactive":
            return error("account_unavailable", str(refused))
        return _refused(refused)
    except SessionUnavailable:
        return error("session_unavailable", session_unavailable())
    return JsonResponse({"status": "verified", "redirect": redirect})


@api_view("POST")
def register_options(request: HttpRequest) -> HttpResponse:
    """Begin adding a passkey to the signed-in account: options for ``credentials.create()``."""
    closed = _closed(request)
    if closed is not None:
        return closed
    if not request.user.is_authenticated:
        return _not_signed_in()
    try:
        options = passkeys.registration_options(request, request.user)
    except passkeys.PasskeyRefused as refused:
        return error("reauth_required", str(refused))
    return JsonResponse({"publicKey": options})


@api_view("POST")
def register(request: HttpRequest) -> HttpResponse:
    """Check ``credential`` (the answer to the options) and keep the passkey, named ``name``."""
    closed = _closed(request)
    if closed is not None:
        return closed
    if not request.user.is_authenticated:
        return _not_signed_in()
    body = read_object(request)
    name = body.get("name", "")
    if not isinstance(name, str):
        raise InvalidRequest("name must be a string.")
    try:
        passkey = passkeys.register(request, request.user, _answer(body), name=name)
    except passkeys.PasskeyRefused as refused:
        if refused.code == "not_recent":
            return error("reauth_required", str(refused))
        return _refused(refused)
    data = {
        "id": passkey.pk,
        "name": passkey.name,
        "created_at": passkey.created_at.isoformat(),
        "synced": passkey.synced,
    }
    return JsonResponse({"status": "registered", "passkey": data}, status=201)
