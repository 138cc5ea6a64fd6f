"""``TwoFactorMiddleware``: the second step after a password login, for the views that need it.

Put it after ``AuthenticationMiddleware``. With ``WEBOTP_TWO_FACTOR_REQUIRED = True`` every view
needs the second step, except views marked ``@two_factor_exempt`` or Django's
``@login_not_required`` (the login page itself, password reset) and ``LogoutView``; with
``False`` (the default) only views marked ``@two_factor_required`` or using
``TwoFactorRequiredMixin`` do. A partly signed-in request to such a view gets ``AnonymousUser`` as
``request.user`` and a redirect to the code page; nothing else changes for anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

from .decorators import code_page_redirect, hide_user, one_factor_refusal, requires_two_factor
from .flows.two_factor import State, get_state

__all__ = ["TwoFactorMiddleware"]


class TwoFactorMiddleware(MiddlewareMixin):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable,
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not requires_two_factor(view_func):
            return None
        # Signed-out visitors are login_required's (or LoginRequiredMiddleware's) business.
        state = get_state(request)
        if state is State.ONE_FACTOR:
            return one_factor_refusal(request)
        if state is not State.PENDING:
            return None
        hide_user(request)
        return code_page_redirect(request)
