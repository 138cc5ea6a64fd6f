"""Passkeys: registering one for the signed-in account, signing in with one, managing them.

py_webauthn checks each answer — the challenge, the origin, the relying party id, the signature;
nothing here does that by hand. The challenge and the relying party are
``passkey_ceremony``'s. Refusals raise ``PasskeyRefused``; a misconfiguration raises
ImproperlyConfigured.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth.backends import ModelBackend
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import signals
from ..backends import PhoneOTPBackend
from ..conf import webotp_settings
from ..models import Passkey, PasskeyUser
from . import recovery, two_factor
from .passkey_ceremony import (
    PasskeyRefused,
    available,
    begin,
    origins,
    relying_party_id,
    require_library,
    rp_name,
    take,
)
from .reauth import recent
from .signin import log_in

try:  # the optional extra: pip install django-webotp[passkeys]
    import webauthn
    from webauthn.helpers import base64url_to_bytes, options_to_json
    from webauthn.helpers.exceptions import WebAuthnException
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        AuthenticatorTransport,
        CredentialDeviceType,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )
except ImportError:  # pragma: no cover - the tests run with the extra
    webauthn = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "PasskeyRefused",
    "available",
    "registration_options",
    "register",
    "remove",
    "rename",
    "sign_in_options",
    "sign_in",
]

logger = logging.getLogger("django_webotp")

_SYNCED = CredentialDeviceType.MULTI_DEVICE if webauthn else None
_BACKEND = f"{PhoneOTPBackend.__module__}.{PhoneOTPBackend.__qualname__}"


def _descriptors(user: Any) -> list[Any]:
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(passkey.credential_id),
            transports=[AuthenticatorTransport(t) for t in passkey.transports if _transport(t)],
        )
        for passkey in Passkey.objects.for_user(user)
    ]


def _transport(name: Any) -> bool:
    return name in {member.value for member in AuthenticatorTransport}


def registration_options(request: HttpRequest, user: Any) -> dict[str, Any]:
    """The options for ``navigator.credentials.create()``, as JSON-ready data.

    Only for a session that authenticated recently (``reauth``): a stolen session cookie must
    not be able to add its own passkey, a way in that outlives the session.
    """
    require_library()
    if not recent(request, user):
        raise PasskeyRefused("not_recent")
    options = webauthn.generate_registration_options(
        rp_id=relying_party_id(request),
        rp_name=rp_name(),
        user_id=PasskeyUser.handle_for(user),
        user_name=_account_label(user),
        user_display_name=_account_label(user),
        timeout=int(webotp_settings.PASSKEY_TIMEOUT) * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    begin(request, "register", options.challenge, user)
    return json.loads(options_to_json(options))


def _account_label(user: Any) -> str:
    """How the account is named in the authenticator's list of passkeys."""
    return str(user.get_username())


def register(request: HttpRequest, user: Any, answer: Any, name: str = "") -> Passkey:
    """Check the browser's answer to ``registration_options`` and keep the new passkey."""
    require_library()
    challenge = take(request, "register", user).challenge
    if not recent(request, user):
        raise PasskeyRefused("not_recent")
    answer = _as_data(answer)
    try:
        verified = webauthn.verify_registration_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=relying_party_id(request),
            expected_origin=origins(request),
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        logger.info("A passkey registration was refused: %s", exc)
        raise PasskeyRefused("invalid") from exc
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                credential_id=verified.credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=_reported_transports(answer),
                aaguid=str(verified.aaguid),
                backup_eligible=verified.credential_device_type
                == CredentialDeviceType.MULTI_DEVICE,
                backed_up=verified.credential_backed_up,
                name=name[:64],
            )
    except IntegrityError as exc:
        raise PasskeyRefused("duplicate") from exc
    signals.passkey_registered.send(Passkey, request=request, user=user, passkey=passkey)
    return passkey


def _as_data(answer: Any) -> dict[str, Any]:
    """The answer as a JSON object (the API posts an object, a form a string), or a refusal."""
    if isinstance(answer, (str, bytes)):
        try:
            answer = json.loads(answer)
        except ValueError as exc:
            raise PasskeyRefused("invalid") from exc
    if not isinstance(answer, dict):
        raise PasskeyRefused("invalid")
    return answer


def _reported_transports(answer: dict[str, Any]) -> list[str]:
    """The transports the browser listed (getTransports()), kept only when they are names."""
    response = answer.get("response")
    transports = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(transports, list):
        return []
    return [t for t in transports if isinstance(t, str) and _transport(t)][:8]


def sign_in_options(request: HttpRequest) -> dict[str, Any]:
    """The options for ``navigator.credentials.get()``: any passkey of this site (discoverable),
    so the page needs no number first and says nothing about which accounts exist."""
    require_library()
    options = webauthn.generate_authentication_options(
        rp_id=relying_party_id(request),
        timeout=int(webotp_settings.PASSKEY_TIMEOUT) * 1000,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    begin(request, "sign_in", options.challenge)
    return json.loads(options_to_json(options))


def sign_in(request: HttpRequest, answer: Any, next_url: str | None) -> str:
    """Check the browser's answer to ``sign_in_options``, log its account in, say where next."""
    require_library()
    ceremony = take(request, "sign_in")
    answer = _as_data(answer)
    passkey = _passkey_of(answer)
    try:
        verified = webauthn.verify_authentication_response(
            credential=answer,
            expected_challenge=ceremony.challenge,
            expected_rp_id=relying_party_id(request),
            expected_origin=origins(request),
            credential_public_key=bytes(passkey.public_key),
            # The counter is compared below, once the signature is known to be good.
            credential_current_sign_count=0,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        logger.info("A passkey sign-in was refused: %s", exc)
        raise PasskeyRefused("invalid") from exc
    _count_use(
        request, passkey, verified.new_sign_count, verified.credential_backed_up, ceremony.issued
    )
    if not ModelBackend().user_can_authenticate(passkey.user):
        raise PasskeyRefused("inactive")
    signals.passkey_used.send(Passkey, request=request, user=passkey.user, passkey=passkey)
    recovery.call_off(passkey.user)
    key_before = request.session.session_key
    redirect = log_in(request, passkey.user, next_url, backend=_BACKEND)
    if verified.user_verified:
        # Something the person has, unlocked by something they know or are: the strong factor
        # two-step verification asks for (a passkey answered without it is one factor). login()
        # gives the session a new key unless this user was signed in already (by SMS, say):
        # only then does the mark need to make one.
        fresh = request.session.session_key != key_before
        two_factor.mark_verified(request, passkey.user, method="passkey", new_key=not fresh)
    return redirect


def _passkey_of(answer: dict[str, Any]) -> Passkey:
    """The registered passkey an answer names (its rawId), or a refusal."""
    raw_id = answer.get("rawId")
    if not isinstance(raw_id, str) or not raw_id or len(raw_id) > 1400:
        raise PasskeyRefused("invalid")
    try:
        credential_id = base64url_to_bytes(raw_id)
    except (ValueError, TypeError) as exc:
        raise PasskeyRefused("invalid") from exc
    passkey = Passkey.objects.select_related("user").filter(credential_id=credential_id).first()
    if passkey is None:
        raise PasskeyRefused("unknown")
    return passkey


def _count_use(
    request: HttpRequest, passkey: Passkey, count: int, backed_up: bool, issued: int
) -> None:
    """Record a good assertion; refuse one whose counter did not move past the last one, or
    whose challenge is not newer than the last this passkey answered.

    Authenticators that keep no counter (most synced passkeys) always say 0; one that keeps a
    counter must say more each time, or a copy of the credential is in use. A sign-in's
    challenge waits in a cookie, which can be sent again with the same answer: the UPDATE only
    lands when the challenge was issued after the last one used and the counter is still the
    one read, so a replayed answer and two answers racing cannot both pass.
    """
    last = passkey.last_challenge_issued
    if last is not None and issued <= last:
        raise PasskeyRefused("no_ceremony")  # an answer sent again, not a copied passkey
    previous = passkey.sign_count
    if (count or previous) and count <= previous:
        logger.warning("A passkey's counter went from %s to %s: refused.", previous, count)
        signals.passkey_cloned.send(
            Passkey, request=request, user=passkey.user, passkey=passkey, sign_count=count
        )
        raise PasskeyRefused("cloned")
    now = timezone.now()
    newer = Q(last_challenge_issued__isnull=True) | Q(last_challenge_issued__lt=issued)
    updated = Passkey.objects.filter(newer, pk=passkey.pk, sign_count=previous).update(
        sign_count=count, backed_up=backed_up, last_used_at=now, last_challenge_issued=issued
    )
    if not updated:
        if count and Passkey.objects.filter(newer, pk=passkey.pk).exists():
            raise PasskeyRefused("cloned")  # another answer moved the counter meanwhile
        raise PasskeyRefused("no_ceremony")  # this challenge (or a later one) was used
    passkey.sign_count, passkey.backed_up, passkey.last_used_at = count, backed_up, now
    passkey.last_challenge_issued = issued


def remove(request: HttpRequest, user: Any, passkey_id: Any) -> bool:
    """Delete one of ``user``'s passkeys; whether one was deleted (another's id deletes none)."""
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return False
    passkey.delete()
    signals.passkey_removed.send(Passkey, request=request, user=user, passkey=passkey)
    return True


def rename(user: Any, passkey_id: Any, name: str) -> bool:
    """Rename one of ``user``'s passkeys; whether it was found."""
    return bool(Passkey.objects.filter(user=user, pk=passkey_id).update(name=name.strip()[:64]))
