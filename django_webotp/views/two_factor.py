"""The second step after a password login: a code sent to the user's verified phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from ..conf import webotp_settings
from ..flows import two_factor
from ..flows.code_step import CodeStep
from ..flows.signin import safe_next
from ..flows.two_factor import State, get_state, real_user, user_phone
from ..forms import CodeForm
from ..models import Challenge, Purpose, Status
from .base import PAGE_DECORATORS, CodeStepView, with_next

__all__ = ["TwoFactorCancelView", "TwoFactorView"]


@method_decorator(PAGE_DECORATORS, name="dispatch")
class TwoFactorView(CodeStepView):
    """The second step after a password login: a code sent to the user's verified phone."""

    purpose = Purpose.TWO_FACTOR
    template_name = "django_webotp/two_factor.html"
    no_phone_template_name = "django_webotp/two_factor_no_phone.html"
    url_name = "webotp:two_factor"
    phone: str

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.next_url = request.POST.get("next") or request.GET.get("next") or ""
        state = get_state(request)
        if state is State.ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        if state is not State.PENDING:
            return HttpResponseRedirect(safe_next(request, self.next_url))
        self.user = real_user(request)
        phone = user_phone(self.user)
        if phone is None:
            if webotp_settings.TWO_FACTOR_WITHOUT_PHONE == "enroll":
                return HttpResponseRedirect(with_next(reverse("webotp:phone"), self.next_url))
            return render(request, self.no_phone_template_name, {"next": self.next_url}, status=403)
        self.phone = phone
        return super().dispatch(request, *args, **kwargs)

    def get_step(self) -> CodeStep:
        # A code sent to a number the account no longer has is not this page's business.
        return CodeStep(self.request, self.purpose, user=self.user, phone=self.phone)

    def send(self) -> HttpResponse:
        current = self.step.challenge
        if current is not None and current.status is Status.PENDING:
            return HttpResponseRedirect(self.page_url())  # a reload sends no second SMS
        return self.after_start(self.step.start(self.phone))

    def on_verified(self, challenge: Challenge, form: CodeForm) -> HttpResponse:
        two_factor.mark_verified(self.request, self.user, method="sms")
        response = HttpResponseRedirect(safe_next(self.request, self.next_url))
        if self.request.POST.get("remember"):
            two_factor.remember_device(self.request, response, self.user, self.phone)
        return response

    def extra_context(self, challenge: Challenge | None) -> dict[str, Any]:
        return {
            "phone_ending": self.phone[-2:],
            "remember_days": two_factor.remember_days(),
        }


@method_decorator(PAGE_DECORATORS, name="dispatch")
class TwoFactorCancelView(View):
    """Give up the second step: sign the partly signed-in session out."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL or "/"))
