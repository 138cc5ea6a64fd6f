"""Marking views that need the second step after a password login.

``@two_factor_required`` and ``TwoFactorRequiredMixin`` work like ``login_required`` and
``LoginRequiredMixin``: a signed-out visitor goes to the login page, a partly signed-in one
(password given, code not yet) gets ``AnonymousUser`` as ``request.user`` and a redirect to the
code page (``webotp:two_factor``); one signed in by a phone code alone gets a 403 page (one
factor, not two). ``TwoFactorMiddleware`` does the same for every view when
``WEBOTP_TWO_FACTOR_REQUIRED = True``, except views marked ``@two_factor_exempt``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from .conf import webotp_settings
from .flows.two_factor import State, get_state, real_user

__all__ = [
    "TwoFactorRequiredMixin",
    "code_page_redirect",
    "hide_user",
    "one_factor_refusal",
    "refusal",
    "requires_two_factor",
    "two_factor_exempt",
    "two_factor_required",
]


def hide_user(request: HttpRequest) -> None:
    """Make a partly signed-in request look anonymous to everything that runs after this."""
    request._webotp_user = real_user(request)  # type: ignore[attr-defined]
    anonymous = AnonymousUser()
    request.user = anonymous

    async def auser() -> AnonymousUser:
        return anonymous

    request.auser = auser  # type: ignore[attr-defined]


def code_page_redirect(request: HttpRequest) -> HttpResponse:
    """Off to the code page, coming back to this URL afterwards (as ``login_required`` does)."""
    return redirect_to_login(request.get_full_path(), reverse("webotp:two_factor"), "next")


def refusal(
    request: HttpRequest,
    login_url: str | None = None,
    redirect_field_name: str = REDIRECT_FIELD_NAME,
) -> HttpResponse | None:
    """What a view requiring the second step answers instead of running, or None to run it."""
    state = get_state(request)
    if state is State.ANONYMOUS:
        return redirect_to_login(request.get_full_path(), login_url, redirect_field_name)
    if state is State.PENDING:
        hide_user(request)
        return code_page_redirect(request)
    if state is State.ONE_FACTOR:
        return one_factor_refusal(request)
    return None


def one_factor_refusal(request: HttpRequest) -> HttpResponse:
    """403 for a session signed in by a phone code alone: this view needs a second factor, and
    another code to the same phone would not be one."""
    return TemplateResponse(
        request,
        "django_webotp/two_factor_one_factor.html",
        {"next": request.get_full_path()},
        status=403,
    )


def two_factor_required(
    function: Callable | None = None,
    *,
    login_url: str | None = None,
    redirect_field_name: str = REDIRECT_FIELD_NAME,
) -> Callable:
    """Like ``login_required``, and the second step must be done too.

    A signed-out visitor goes to the login page; a partly signed-in one to the code page. Works
    on its own, with or without ``TwoFactorMiddleware``, on sync and async views.
    """

    def decorator(view: Callable) -> Callable:
        wrapper: Callable
        if iscoroutinefunction(view):

            async def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                answer = await sync_to_async(refusal)(request, login_url, redirect_field_name)
                if answer is not None:
                    return answer
                return await view(request, *args, **kwargs)

        else:

            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                answer = refusal(request, login_url, redirect_field_name)
                if answer is not None:
                    return answer
                return view(request, *args, **kwargs)

        wrapped = wraps(view)(wrapper)
        wrapped.two_factor_required = True  # type: ignore[attr-defined]
        return wrapped

    return decorator(function) if function is not None else decorator


def two_factor_exempt(view: Callable) -> Callable:
    """Let a partly signed-in session reach this view while WEBOTP_TWO_FACTOR_REQUIRED is True.

    Its ``request.user`` is then the user of the password alone: use it for pages that need no
    more than that (a help page, a "sign out" view of your own).
    """
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


class TwoFactorRequiredMixin(AccessMixin):
    """``two_factor_required`` for class-based views, like ``LoginRequiredMixin``."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        login_url = str(self.login_url) if self.login_url else None
        answer = refusal(request, login_url, self.get_redirect_field_name())
        if answer is not None:
            return answer
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def requires_two_factor(view: Callable) -> bool:
    """Whether the second step guards ``view`` (a resolved view function)."""
    view_class = getattr(view, "view_class", None)
    if getattr(view, "two_factor_required", False) or (
        isinstance(view_class, type) and issubclass(view_class, TwoFactorRequiredMixin)
    ):
        return True
    if webotp_settings.TWO_FACTOR_REQUIRED is not True:
        return False
    if getattr(view, "two_factor_exempt", False):
        return False
    if getattr(view, "login_required", True) is False:  # Django's @login_not_required
        return False
    # Signing out must always work.
    return not (isinstance(view_class, type) and issubclass(view_class, LogoutView))
