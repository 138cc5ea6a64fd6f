"""Where a code step keeps the challenge a browser waits for: a signed cookie before sign-in.

Before anyone is signed in, the sign-in code step's state (which challenge this browser asked
for, where to go next, a one-off notice) lives in a cookie of its own
(``WEBOTP_PENDING_COOKIE_NAME``) rather than in the session. A visitor who asks for a code then
costs no session row: Django creates the session once, when ``login()`` needs it, and the code
page and the verify step read no session at all. The cookie is bound to the browser that asked,
as the session cookie is: it is signed with ``django.core.signing`` (a changed or forged value
counts as no cookie at all), HttpOnly, SameSite=Lax, Secure on HTTPS or with
``SESSION_COOKIE_SECURE``, and lives no longer than a code (``WEBOTP_CODE_TTL``, plus the
resend cooldown) or a passkey sign-in (``passkey_ceremony`` keeps its challenge here too, for
the same reason). It holds no secret: the code is derived from ``SECRET_KEY`` and never stored;
it holds the challenge's random id and the number this browser typed, which only it and the
site see.

The purposes of a signed-in account (two-step verification, a phone change, a confirmation)
keep their state in the session, which they load anyway. A front end that runs the sign-in code
step wraps its views in ``keeps_pending`` so that what the step changed reaches the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing

from ..conf import webotp_settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

__all__ = ["PendingStates", "detach", "keep", "keeps_pending", "states"]

SALT = "django_webotp.flows.pending"
_ATTRIBUTE = "_webotp_pending"


def _max_age() -> int:
    """As long as a code lives, with its resend cooldown; or, with passkeys on, as long as a
    passkey sign-in's challenge (``passkey_ceremony``) if that is longer."""
    code = int(webotp_settings.CODE_TTL) + int(webotp_settings.RESEND_COOLDOWN)
    return max(code, int(webotp_settings.PASSKEY_TIMEOUT) if webotp_settings.PASSKEYS else 0)


class PendingStates:
    """This request's view of the pending cookie: read once, written back by ``keep``."""

    #: False for states that came with a flow token (``detach``): never read from nor written
    #: to the cookie.
    in_cookie = True

    def __init__(self, raw: str | None) -> None:
        self.changed = False
        self._data: dict[str, Any] = {}
        if raw:
            try:
                data = signing.loads(raw, salt=SALT, max_age=_max_age())
            except (signing.BadSignature, ValueError):
                data = None
            if isinstance(data, dict):
                self._data = data

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._data.get(key)
        return value if isinstance(value, dict) else None

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        self._data[key] = value
        self.changed = True

    def pop(self, key: str, default: Any = None) -> Any:
        if key not in self._data:
            return default
        self.changed = True
        return self._data.pop(key)

    def cookie_value(self) -> str:
        return signing.dumps(self._data, salt=SALT, compress=True) if self._data else ""


def states(request: HttpRequest) -> PendingStates:
    """The pending states of this request's browser (the cookie is read once per request)."""
    found = getattr(request, _ATTRIBUTE, None)
    if found is None:
        found = PendingStates(request.COOKIES.get(webotp_settings.PENDING_COOKIE_NAME))
        setattr(request, _ATTRIBUTE, found)
    return found


def detach(request: HttpRequest, data: dict[str, Any]) -> PendingStates:
    """Make ``data`` this request's pending states instead of the cookie's, and never write
    them back to it: a native app's flow token (``flows.flow_token``) carries them instead."""
    found = PendingStates(None)
    found._data = dict(data)
    found.in_cookie = False
    setattr(request, _ATTRIBUTE, found)
    return found


def keep(request: HttpRequest, response: HttpResponseBase) -> None:
    """Write what this request changed in the pending states into ``response``'s cookie."""
    found: PendingStates | None = getattr(request, _ATTRIBUTE, None)
    if found is None or not found.changed or not found.in_cookie:
        return
    name = webotp_settings.PENDING_COOKIE_NAME
    value = found.cookie_value()
    if not value:
        response.delete_cookie(
            name, path=settings.SESSION_COOKIE_PATH, domain=settings.SESSION_COOKIE_DOMAIN
        )
        return
    response.set_cookie(
        name,
        value,
        max_age=_max_age(),
        path=settings.SESSION_COOKIE_PATH,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def keeps_pending(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a view that runs the sign-in code step: its changes reach the browser's cookie."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        keep(request, response)
        return response

    return wrapped
