"""The pages of the purposes beyond sign-in: two-step verification and adding or changing a phone.

Each code page keeps its challenge's id in its own session key and only ever loads a challenge of
its own purpose made for the signed-in user, so a code from one flow is never judged by another
(and would not match anyway: the purpose is part of what a code is derived from). The
confirmation page lives with its decorator, in ``confirm.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import challenges, confirm, phone_change, two_factor
from .challenges import StartResult
from .conf import webotp_settings
from .dev.simulator import simulator_context
from .forms import CodeForm, PhoneForm
from .models import Challenge, Purpose, Status, Verdict
from .two_factor import State, get_state, real_user, two_factor_exempt, user_phone
from .views import (
    DELIVERY_FAILED,
    SESSION_KEY,
    delivery_failed_message,
    delivery_state,
    rate_limited,
    safe_next,
)
from .views import verdict_message as views_verdict_message

__all__ = [
    "CODE_SESSION_KEYS",
    "PhoneChangeView",
    "PhoneVerifyView",
    "TwoFactorCancelView",
    "TwoFactorView",
    "code_page_context",
    "verdict_message",
]

#: Where each code page keeps its challenge (the dev simulator looks in all of them).
CODE_SESSION_KEYS = (
    SESSION_KEY,
    two_factor.SESSION_KEY,
    phone_change.SESSION_KEY,
    confirm.SESSION_KEY,
)


def verdict_message(challenge: Challenge, verdict: Verdict) -> str:
    """What to tell the person about a code that was not accepted."""
    if verdict is Verdict.WRONG:
        return views_verdict_message(verdict, challenge)
    return {
        Verdict.LOCKED: _("Too many wrong codes. Request a new code."),
        Verdict.EXPIRED: _("This code has expired. Request a new code."),
        Verdict.USED: _("This code has already been used. Request a new code."),
        Verdict.REPLACED: _("A newer code was sent. Enter the code from the latest SMS."),
        Verdict.UNDELIVERED: _("We could not send this code. Request a new code."),
    }[verdict]


def code_page_context(challenge: Challenge, form: CodeForm) -> dict[str, Any]:
    """What every code page shows: the field, where the code went, resend and delivery."""
    waited = (timezone.now() - challenge.created_at).total_seconds()
    return {
        "form": form,
        "challenge": challenge,
        # Only the last digits: whoever sees a page before the second step may not be its owner.
        "phone_ending": challenge.phone[-2:],
        "resend_wait": max(int(webotp_settings.RESEND_COOLDOWN - waited), 0),
        "webotp_simulator": simulator_context(),
        "delivery": delivery_state(challenge),
    }


def load_challenge(request: HttpRequest, key: str, purpose: str, user: Any) -> Challenge | None:
    """The challenge a code page's session entry names, if it is of ``purpose`` and ``user``'s."""
    challenge_id = (request.session.get(key) or {}).get("challenge")
    if not challenge_id:
        return None
    try:
        return Challenge.objects.get(pk=challenge_id, purpose=purpose, user_id=user.pk)
    except (Challenge.DoesNotExist, ValidationError):
        return None


def _with_next(url: str, next_url: str) -> str:
    """``url?next=...``, written as ``redirect_to_login`` writes it."""
    if not next_url:
        return url
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{url}?{query.urlencode(safe='/')}"


def _say(request: HttpRequest, message: str) -> None:
    messages.success(request, message, fail_silently=True)


#: What every page of these flows is wrapped in. ``two_factor_exempt``: they are reached while the
#: session is partly signed in, and check for themselves who may use them.
PAGE_DECORATORS: list[Callable[..., Any]] = [never_cache, csrf_protect, two_factor_exempt]


@method_decorator(sensitive_post_parameters("code"), name="post")
class CodeStepView(View):
    """A page that takes the code of a challenge kept under ``session_key``; resends it."""

    purpose: str
    session_key: str
    template_name: str
    url_name: str
    user: Any
    next_url: str

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(self.get_challenge())

    def post(self, request: HttpRequest) -> HttpResponse:
        step = request.POST.get("step")
        if step == "resend":
            return self.resend()
        if step == "send":
            return self.send()
        return self.check()

    def get_challenge(self) -> Challenge | None:
        return load_challenge(self.request, self.session_key, self.purpose, self.user)

    def page_url(self) -> str:
        return _with_next(reverse(self.url_name), self.next_url)

    def send(self) -> HttpResponse:  # pragma: no cover (each page that sends overrides it)
        return HttpResponseRedirect(self.page_url())

    def judge(self, challenge: Challenge, code: str) -> Verdict:
        return challenges.verify(self.request, challenge, code)

    def on_verified(self, challenge: Challenge) -> HttpResponse:
        raise NotImplementedError

    def no_challenge(self, alert: str) -> HttpResponse:
        """A code was posted, but this session has no code request of this page's."""
        return self.render_page(None, alert=alert, status=400)

    def check(self) -> HttpResponse:
        challenge = self.get_challenge()
        if challenge is None:
            return self.no_challenge(_("Your code request has expired. Ask for a new code."))
        form = CodeForm(self.request.POST, code_length=challenge.code_length)
        throttle = challenges.verify_throttle(self.request, challenge)
        if throttle.limited:
            return rate_limited(self.request, throttle)
        if not form.is_valid():
            return self.render_page(challenge, form, status=400)
        verdict = self.judge(challenge, form.cleaned_data["code"])
        if verdict is Verdict.VERIFIED:
            return self.on_verified(challenge)
        form.add_error("code", verdict_message(challenge, verdict))
        return self.render_page(challenge, form, status=400)

    def resend(self) -> HttpResponse:
        challenge = self.get_challenge()
        if challenge is None:
            return self.send()
        return self.after_start(
            challenges.resend(self.request, challenge), _("We sent a new code.")
        )

    def after_start(self, result: StartResult, notice: str = "") -> HttpResponse:
        """The answer to sending a code: the code page (redirected to), or why not."""
        # No bot-check refusal here: start() asks none for a code to a signed-in account.
        if result.throttle:
            return rate_limited(self.request, result.throttle)
        assert result.challenge is not None
        self.request.session[self.session_key] = {
            "challenge": str(result.challenge.pk),
            "phone": result.challenge.phone,
            "notice": notice,
        }
        if result.delivery_error:
            alert = delivery_failed_message()
            return self.render_page(result.challenge, alert=alert, status=DELIVERY_FAILED)
        return HttpResponseRedirect(self.page_url())

    def render_page(
        self,
        challenge: Challenge | None,
        form: CodeForm | None = None,
        *,
        alert: str = "",
        status: int = 200,
    ) -> HttpResponse:
        state = self.request.session.get(self.session_key) or {}
        notice = state.pop("notice", "")
        if notice:
            self.request.session[self.session_key] = state
        context: dict[str, Any] = {
            "alert": alert,
            "notice": notice,
            "next": self.next_url,
            "form_action": self.page_url(),
            **self.extra_context(),
        }
        if challenge is not None:
            form = form or CodeForm(code_length=challenge.code_length)
            context.update(code_page_context(challenge, form))
        return render(self.request, self.template_name, context, status=status)

    def extra_context(self) -> dict[str, Any]:
        raise NotImplementedError


@method_decorator(PAGE_DECORATORS, name="dispatch")
class TwoFactorView(CodeStepView):
    """The second step after a password login: a code sent to the user's verified phone."""

    purpose = Purpose.TWO_FACTOR
    session_key = two_factor.SESSION_KEY
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
                return HttpResponseRedirect(_with_next(reverse("webotp:phone"), self.next_url))
            return render(request, self.no_phone_template_name, {"next": self.next_url}, status=403)
        self.phone = phone
        return super().dispatch(request, *args, **kwargs)

    def get_challenge(self) -> Challenge | None:
        challenge = super().get_challenge()
        # A code sent to a number the account no longer has is not this page's business.
        return challenge if challenge is not None and challenge.phone == self.phone else None

    def send(self) -> HttpResponse:
        current = self.get_challenge()
        if current is not None and current.status is Status.PENDING:
            return HttpResponseRedirect(self.page_url())  # a reload sends no second SMS
        result = challenges.start(self.request, self.phone, self.purpose, user=self.user)
        return self.after_start(result)

    def on_verified(self, challenge: Challenge) -> HttpResponse:
        two_factor.mark_verified(self.request, self.user, method="sms")
        response = HttpResponseRedirect(safe_next(self.request, self.next_url))
        if self.request.POST.get("remember"):
            two_factor.remember_device(self.request, response, self.user, self.phone)
        return response

    def extra_context(self) -> dict[str, Any]:
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


class NewPhoneForm(PhoneForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone_number"].label = gettext_lazy("New phone number")


class PhoneAccessMixin:
    """Who may add or change a number: a fully signed-in user, or one enrolling a first number.

    A partly signed-in user (password only) who already has a number must prove it first: they
    go to the code page, so a stolen password never replaces the phone that guards the account.
    """

    request: HttpRequest
    user: Any
    current_numbers: list[str]
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
            two_factor.hide_user(request)
            return two_factor.code_page_redirect(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def phone_context(self) -> dict[str, Any]:
        return {"enrolling": self.enrolling, "current_phone": user_phone(self.user)}


@method_decorator(PAGE_DECORATORS, name="dispatch")
@method_decorator(sensitive_post_parameters("phone_number"), name="post")
class PhoneChangeView(PhoneAccessMixin, View):
    """Type the number to add (or to replace the current one with); a code goes to it."""

    template_name = "django_webotp/phone_change.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(NewPhoneForm(initial={"next": self.next_url}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NewPhoneForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        number = form.cleaned_data["phone_number"]
        if self.user.phone_identities.filter(phone_number=number).exists():
            form.add_error("phone_number", _("This is already your phone number."))
            return self.render_form(form, status=400)
        result = phone_change.start(request, self.user, number)
        if result.throttle:
            return rate_limited(request, result.throttle)
        assert result.challenge is not None
        request.session[phone_change.SESSION_KEY] = {
            "challenge": str(result.challenge.pk),
            "phone": result.challenge.phone,
        }
        if result.delivery_error:
            return self.render_form(form, status=DELIVERY_FAILED, alert=delivery_failed_message())
        return HttpResponseRedirect(_with_next(reverse("webotp:phone_verify"), self.next_url))

    def render_form(self, form: PhoneForm, status: int = 200, alert: str = "") -> HttpResponse:
        context = {"form": form, "alert": alert, "next": self.next_url, **self.phone_context()}
        return render(self.request, self.template_name, context, status=status)


@method_decorator(PAGE_DECORATORS, name="dispatch")
class PhoneVerifyView(PhoneAccessMixin, CodeStepView):
    """The code sent to the new number; once right, the number becomes the account's."""

    purpose = Purpose.PHONE_CHANGE
    session_key = phone_change.SESSION_KEY
    template_name = "django_webotp/phone_change_verify.html"
    url_name = "webotp:phone_verify"

    def send(self) -> HttpResponse:
        return HttpResponseRedirect(_with_next(reverse("webotp:phone"), self.next_url))

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = self.get_challenge()
        if challenge is None:
            return self.send()
        return self.render_page(challenge)

    def judge(self, challenge: Challenge, code: str) -> Verdict:
        return phone_change.verify(self.request, self.user, challenge, code)

    def no_challenge(self, alert: str) -> HttpResponse:
        """Back to typing a number, saying why."""
        form = NewPhoneForm(initial={"next": self.next_url})
        view = PhoneChangeView(request=self.request, user=self.user, next_url=self.next_url)
        view.enrolling = self.enrolling
        return view.render_form(form, status=400, alert=alert)

    def on_verified(self, challenge: Challenge) -> HttpResponse:
        if not phone_change.complete(self.request, self.user, challenge):
            return self.no_challenge(_("This number could not be added. Try another number."))
        self.request.session.pop(self.session_key, None)
        if self.enrolling:
            two_factor.mark_verified(self.request, self.user, method="enroll")
        _say(self.request, _("Your phone number is now %(phone)s.") % {"phone": challenge.phone})
        return HttpResponseRedirect(safe_next(self.request, self.next_url))

    def extra_context(self) -> dict[str, Any]:
        return self.phone_context()
