"""The flow token: a sign-in code step carried by a client without cookies (a native app).

A browser keeps the sign-in code step's state in the signed pending cookie (``pending``). A
native app keeps no cookies, so in token mode the same state travels in a signed, short-lived
token that the app sends back with each call: ``begin`` or ``adopt`` make it this request's
state in place of the cookie's (which is then neither read nor written), ``issue`` signs what
the step now holds. The token is signed with its own salt (a pending cookie, or any other
value this site signs, is no token) and names its purpose, so a token is good for the sign-in
code step only; it expires as the cookie does, with the code (``WEBOTP_CODE_TTL`` plus the
resend cooldown). It holds no secret, only which challenge the app asked for and the number it
typed; a token whose code was used names a used challenge, which ``CodeStep`` refuses.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate
from django.core import signing

from ..conf import webotp_settings
from ..models import Challenge, Purpose
from ..purposes import spec
from . import pending, recovery

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["adopt", "authenticate_user", "begin", "issue"]

SALT = "django_webotp.flows.flow_token"
PURPOSE = Purpose.LOGIN  # the only code step that runs before anyone is signed in

logger = logging.getLogger("django_webotp")


def _max_age() -> int:
    return int(webotp_settings.CODE_TTL) + int(webotp_settings.RESEND_COOLDOWN)


def _key() -> str:
    return spec(PURPOSE).session_key


def begin(request: HttpRequest) -> None:
    """A new flow: this request's code step starts empty, whatever cookie came with it."""
    pending.detach(request, {})


def adopt(request: HttpRequest, token: str) -> bool:
    """Make ``token``'s state this request's code step; False (and nothing adopted) for a
    token that is forged, altered, expired or not a sign-in's."""
    try:
        data: Any = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.SignatureExpired:
        logger.info("Flow token refused: expired.")
        return False
    except (signing.BadSignature, ValueError):
        logger.info("Flow token refused: bad signature or not a token.")
        return False
    if not isinstance(data, dict) or data.get("purpose") != str(PURPOSE):
        logger.info("Flow token refused: not a sign-in's.")
        return False
    state = data.get("state")
    if not isinstance(state, dict) or not state.get("challenge"):
        return False
    pending.detach(request, {_key(): state})
    return True


def issue(request: HttpRequest) -> str | None:
    """The token naming the challenge this request's code step now waits for; None if none."""
    state = pending.states(request).get(_key())
    if not state or not state.get("challenge"):
        return None
    body = {"purpose": str(PURPOSE), "state": state}
    return signing.dumps(body, salt=SALT, compress=True)


def authenticate_user(request: HttpRequest, challenge: Challenge) -> Any:
    """The user a verified ``challenge`` authenticates, not logged in (no cookie session):
    None when its number cannot sign in (an inactive account, sign-up off). Raises
    ``recovery.RecoveryWait`` while the account's recovery by SMS must wait, as a browser's
    sign-in does."""
    user = authenticate(request, webotp_challenge=challenge)
    if user is None:
        return None
    recovery.check(request, user)
    recovery.mark(request, user, challenge.phone, in_session=False)
    return user
