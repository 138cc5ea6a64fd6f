"""The dev SMS inbox page and the JSON feed the Web OTP simulator polls. 404 unless DEBUG."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..conf import webotp_settings
from ..flows.code_step import CodeStep
from ..models import Challenge
from ..phone import display_number
from ..purposes import PURPOSES
from . import inbox

__all__ = ["inbox_view", "simulator_messages"]


def debug_only(view):
    """Answer 404, as if the URL did not exist, unless DEBUG is on."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404("The dev SMS inbox only exists while DEBUG is on.")
        return view(request, *args, **kwargs)

    return wrapper


@login_not_required  # public while DEBUG is on, even to a partly signed-in session
@never_cache
@require_GET
@debug_only
def inbox_view(request: HttpRequest) -> HttpResponse:
    """Every SMS the dev backends sent, newest first, with what a browser would make of it."""
    host = inbox.page_host(request)
    rows = [(message, inbox.problems(message, host)) for message in inbox.messages()]
    context = {
        "rows": rows,
        "page_host": host,
        "port": inbox.page_port(request),
        "refresh_url": request.get_full_path(),
        "file_path": webotp_settings.SMS_FILE_PATH,
        "backend": webotp_settings.SMS_BACKEND,
    }
    return render(request, "django_webotp/dev/inbox.html", context)


def _as_json(message: inbox.InboxMessage) -> dict:
    bound = message.origin_bound
    return {
        "id": message.message_id,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "last_line": message.last_line,
        "origin_bound": (
            {"host": bound.host, "code": bound.code, "embedded_host": bound.embedded_host}
            if bound
            else None
        ),
    }


@login_not_required  # public while DEBUG is on, even to a partly signed-in session
@never_cache
@require_GET
@debug_only
def simulator_messages(request: HttpRequest) -> JsonResponse:
    """The SMS to this session's phone since its current code was requested, oldest first.

    "Since the code was requested", not "since the page loaded": the dev backends deliver the
    SMS before the code page even loads, whereas a real one takes seconds to arrive.
    """
    challenge = _newest_session_challenge(request)
    if challenge is None:
        return JsonResponse({"phone": None, "shown_as": None, "messages": []})
    phone = challenge.phone
    since = challenge.created_at.timestamp()
    found = [
        message
        for message in inbox.messages()
        if message.to == phone and message.sent_at and message.sent_at.timestamp() >= since
    ]
    return JsonResponse(
        {
            "phone": phone,
            "shown_as": display_number(phone),  # as the bar says it; "phone" is what SMS go to
            "messages": [_as_json(m) for m in reversed(found)],
        }
    )


def _newest_session_challenge(request: HttpRequest) -> Challenge | None:
    """The newest challenge any code page of this browser waits for (sign-in or another
    purpose), read where each code step keeps it (``CodeStep.state``)."""
    ids = []
    for purpose in PURPOSES:
        state = CodeStep(request, purpose).state
        if state.get("phone") and state.get("challenge"):
            ids.append(state["challenge"])
    return Challenge.objects.filter(pk__in=ids).order_by("-created_at").first() if ids else None
