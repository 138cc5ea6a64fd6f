"""``api_view``: method check, CSRF protection and malformed bodies, each answered in JSON."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from ..flows.pending import keep
from . import tokens
from .errors import error, method_not_allowed
from .payload import InvalidRequest, read_form

__all__ = ["api_view", "invalid_request"]

View = Callable[[HttpRequest], HttpResponseBase]


def invalid_request() -> HttpResponse:
    return error(
        "invalid_request",
        _("Send a JSON object (Content-Type: application/json) or form fields."),
    )


def _answer(view: View, request: HttpRequest) -> HttpResponseBase:
    try:
        return view(request)
    except InvalidRequest:  # read_fields() in the view
        return invalid_request()
    except DisallowedHost as exc:  # DEBUG: a host that no SMS can name, such as [::1]
        return error("invalid_request", str(exc))


def api_view(*methods: str, flow: str | None = None) -> Callable[[View], View]:
    """Allow only ``methods``, check CSRF as ``csrf_protect`` does, and never cache.

    The check is Django's own ``CsrfViewMiddleware`` run on the view (as ``csrf_protect`` runs
    it), so tokens, trusted origins and CSRF settings behave exactly as on the HTML views; only
    the refusal differs: a JSON 403 ``csrf_failed`` instead of ``CSRF_FAILURE_VIEW``'s page.
    The view is marked csrf_exempt so that the project-wide middleware leaves the check to us.

    ``flow``: the view also runs in token mode (``tokens``), "begin" for the one that starts a
    flow, "token" for those that carry one on. A token-mode request skips the CSRF check and
    the cookies: it neither reads nor writes them.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest) -> HttpResponseBase:
            if request.method not in methods:
                return method_not_allowed(request.method or "", methods)
            if flow is not None and tokens.requested(request):
                bad_token = tokens.open_flow(request, begins=flow == "begin")
                return bad_token if bad_token is not None else _answer(view, request)
            csrf = CsrfViewMiddleware(view)
            try:
                csrf.process_request(request)
                if request.method == "POST":
                    read_form(request)  # the token may be a form field: a bad form is a 400
                refused = csrf.process_view(request, view, (), {})
            except InvalidRequest:
                return invalid_request()
            if refused is not None:
                return error(
                    "csrf_failed",
                    _(
                        "This request's security token is missing or out of date. Reload the page "
                        "and try again."
                    ),
                )
            response = _answer(view, request)
            keep(request, response)
            return csrf.process_response(request, response)

        return csrf_exempt(never_cache(wrapped))

    return decorator
