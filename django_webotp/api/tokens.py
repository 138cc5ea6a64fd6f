"""Token mode: the sign-in code step run by a client that keeps no cookies (a native app).

With ``WEBOTP_API_TOKENS`` on, ``start`` called with ``X-WebOTP-Flow: new`` answers a flow
token (``flows.flow_token``) beside the usual fields, and ``verify``, ``resend`` and ``status``
called with ``X-WebOTP-Flow: <token>`` run the code step the token names. Such a request is
exempt from the CSRF check, and may be: it neither reads nor writes the cookie session or the
pending cookie (a token, not a cookie, is what it proves), and a page on another site cannot
send the header without a CORS preflight anyway. A bad token is a 400 ``invalid_flow_token``,
never a fall back to the cookies. Without the header, or with the setting off, a request is a
browser's: cookies and CSRF, as before. ``verify`` then logs no one in: it authenticates the
user and merges what ``WEBOTP_API_ISSUE_TOKEN`` returns (the site's own credential) into its
answer.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..flows import flow_token
from .errors import error

__all__ = ["HEADER", "NEW", "active", "issued", "open_flow", "requested", "with_token"]

HEADER = "X-WebOTP-Flow"
NEW = "new"  # what ``start`` is sent to begin a flow in token mode
_META = "HTTP_" + HEADER.upper().replace("-", "_")
_ACTIVE = "_webotp_flow_token"


def requested(request: HttpRequest) -> bool:
    """Whether this request asks for token mode (and the site allows it)."""
    return bool(webotp_settings.API_TOKENS) and _META in request.META


def open_flow(request: HttpRequest, *, begins: bool) -> JsonResponse | None:
    """Run this request in token mode: a new flow (``begins``) or the token's; the refusal for
    a header that names neither."""
    value = request.META.get(_META, "").strip()
    if begins and value == NEW:
        flow_token.begin(request)
    elif begins or not flow_token.adopt(request, value):
        return error(
            "invalid_flow_token",
            _("This sign-in has expired or is not valid. Start again with your phone number."),
        )
    setattr(request, _ACTIVE, True)
    return None


def active(request: HttpRequest) -> bool:
    """Whether this request runs in token mode (its code step is the token's, not a cookie's)."""
    return bool(getattr(request, _ACTIVE, False))


def with_token(request: HttpRequest, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the flow token of the challenge now waited for, in token mode."""
    token = flow_token.issue(request) if active(request) else None
    return {**body, "flow_token": token} if token else body


def issued(request: HttpRequest, user: Any) -> dict[str, Any]:
    """What ``WEBOTP_API_ISSUE_TOKEN`` hands the app for ``user``; nothing when it is unset."""
    path = webotp_settings.API_ISSUE_TOKEN
    if not path:
        return {}
    return dict(import_string(path)(request, user))
