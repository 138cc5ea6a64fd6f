"""Adding or changing a phone number: prove it is you, type the new number, then its code.

The proof (``phone_change.needs_proof``) is a recent sign-in or password (``views.reauth``), or
the code sent to the current number on ``PhoneCurrentView``; until then the phone page shows
those ways and sends no code anywhere.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from ..conf import webotp_settings
from ..decorators import code_page_redirect, hide_user
from ..flows import phone_change, two_factor
from ..flows.code_step import CodeStep
from ..flows.signin import safe_next
from ..flows.two_factor import State, get_state, real_user, user_phone
from ..forms import CodeForm, PhoneForm
from ..models import Challenge, Purpose, Status
from ..phone import display_number
from .base import PAGE_DECORATORS, CodeStepView, not_sent, say, with_next

__all__ = ["NewPhoneForm", "PhoneChangeView", "PhoneCurrentView", "PhoneVerifyView"]


class NewPhoneForm(PhoneForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone_number"].label = gettext_lazy("New phone number")


class PhoneAccessMixin:
    """Who may add or change a number: a fully signed-in user, or one enrolling a first number.

    A partly signed-in user (password only) who already has a number must prove it first: they
    go to the code page, so a stolen password never replaces the phone that guards the account.
    A fully signed-in session proves it is the owner's before a code goes to a new number
    (``phone_change.needs_proof``), so a stolen session cookie does not replace it either.
    """

    request: HttpRequest
    user: Any
    enrolling: bool
    next_url: str

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.next_url = request.POST.get("next") or request.GET.get("next") or ""
        state = get_state(request)
        if state is State.ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        self.user = real_user(request)
        self.enrolling = state is State.PENDING
        phone = user_phone(self.user)
        if self.enrolling and (
            phone is not None or webotp_settings.TWO_FACTOR_WITHOUT_PHONE != "enroll"
        ):
            hide_user(request)
            return code_page_redirect(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def phone_context(self) -> dict[str, Any]:
        current = user_phone(self.user)
        return {
            "enrolling": self.enrolling,
            "current_phone": current,
            "phone_ending": current[-2:] if current else "",
            "proof_needed": phone_change.needs_proof(self.request, self.user),
            "has_password": self.user.has_usable_password(),
            "phone_page": with_next(reverse("webotp:phone"), self.next_url),
        }

    def render_form(self, form: PhoneForm, status: int = 200, alert: str = "") -> HttpResponse:
        context = {"form": form, "alert": alert, "next": self.next_url, **self.phone_context()}
        return render(self.request, PhoneChangeView.template_name, context, status=status)

    def prove_first(self) -> HttpResponse:
        """403: the phone page's ways to prove it is you; no code goes anywhere."""
        alert = _("Before you change your phone number, confirm it is you.")
        return self.render_form(NewPhoneForm(initial={"next": self.next_url}), 403, alert)


@method_decorator(PAGE_DECORATORS, name="dispatch")
@method_decorator(sensitive_post_parameters("phone_number"), name="post")
class PhoneChangeView(PhoneAccessMixin, View):
    """Type the number to add (or to replace the current one with); a code goes to it."""

    template_name = "django_webotp/phone_change.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(NewPhoneForm(initial={"next": self.next_url}))

    def post(self, request: HttpRequest) -> HttpResponse:
        if phone_change.needs_proof(request, self.user):
            return self.prove_first()
        form = NewPhoneForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        number = form.cleaned_data["phone_number"]
        if phone_change.already_yours(self.user, number):
            form.add_error("phone_number", _("This is already your phone number."))
            return self.render_form(form, status=400)
        result = CodeStep(request, Purpose.PHONE_CHANGE, user=self.user).start(number)
        answer = not_sent(request, result, partial(self.render_form, form))
        if answer is not None:
            return answer
        return HttpResponseRedirect(with_next(reverse("webotp:phone_verify"), self.next_url))


@method_decorator(PAGE_DECORATORS, name="dispatch")
class PhoneVerifyView(PhoneAccessMixin, CodeStepView):
    """The code sent to the new number; once right, the number becomes the account's."""

    purpose = Purpose.PHONE_CHANGE
    template_name = "django_webotp/phone_change_verify.html"
    url_name = "webotp:phone_verify"

    def send(self) -> HttpResponse:
        return HttpResponseRedirect(with_next(reverse("webotp:phone"), self.next_url))

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = self.step.challenge
        if challenge is None:
            return self.send()
        return self.render_page(challenge)

    def check(self) -> HttpResponse | None:
        challenge = self.step.challenge
        if challenge is not None and phone_change.needs_proof(self.request, self.user, challenge):
            return self.prove_first()  # before the code is judged: it stays unused
        return super().check()

    def resend(self) -> HttpResponse:
        if phone_change.needs_proof(self.request, self.user):
            return self.prove_first()
        return super().resend()

    def start_url(self) -> str:
        return with_next(reverse("webotp:phone"), self.next_url)

    def no_challenge(self, alert: str) -> HttpResponse:
        """Back to typing a number, saying why."""
        return self.render_form(NewPhoneForm(initial={"next": self.next_url}), 400, alert)

    def on_verified(self, challenge: Challenge, form: CodeForm) -> HttpResponse:
        if not phone_change.complete(self.request, self.user, challenge):
            return self.no_challenge(_("This number could not be added. Try another number."))
        self.step.forget()
        if self.enrolling:
            two_factor.mark_verified(self.request, self.user, method="enroll")
        phone = display_number(challenge.phone)
        say(self.request, _("Your phone number is now %(phone)s.") % {"phone": phone})
        return HttpResponseRedirect(safe_next(self.request, self.next_url))

    def extra_context(self, challenge: Challenge | None) -> dict[str, Any]:
        return {**self.phone_context(), "bot_widget": True}


@method_decorator(PAGE_DECORATORS, name="dispatch")
class PhoneCurrentView(PhoneAccessMixin, CodeStepView):
    """A code to the number being replaced: whoever types it holds that phone, so may change it."""

    purpose = Purpose.TWO_FACTOR
    template_name = "django_webotp/phone_change_current.html"
    url_name = "webotp:phone_current"

    def get_step(self) -> CodeStep:
        step = phone_change.current_number_step(self.request, self.user)
        assert step is not None  # dispatch sends an account without a number away
        return step

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.next_url = request.POST.get("next") or request.GET.get("next") or ""
        if get_state(request) is not State.ANONYMOUS and user_phone(real_user(request)) is None:
            return HttpResponseRedirect(with_next(reverse("webotp:phone"), self.next_url))
        return super().dispatch(request, *args, **kwargs)

    def send(self) -> HttpResponse:
        current = self.step.challenge
        if current is not None and current.status is Status.PENDING:
            return HttpResponseRedirect(self.page_url())  # a reload sends no second SMS
        return self.after_start(self.step.start(str(self.step.phone)))

    def on_verified(self, challenge: Challenge, form: CodeForm) -> HttpResponse:
        phone_change.proved(self.request, self.user)
        self.step.forget()
        return HttpResponseRedirect(with_next(reverse("webotp:phone"), self.next_url))

    def extra_context(self, challenge: Challenge | None) -> dict[str, Any]:
        return self.phone_context()
