"""Phone entry -> code entry -> signed in.

The session remembers which challenge this browser started (its random id), so a code only
works in the browser that asked for it. Every refusal is a 4xx with a sentence a person can act on.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import challenges, links
from .conf import webotp_settings
from .dev.simulator import simulator_context
from .forms import CodeForm, PhoneForm
from .models import Challenge, DeliveryStatus, Verdict
from .throttling import Throttle

__all__ = ["LoginView", "ResendView", "StatusView", "VerifyView"]

SESSION_KEY = "webotp"

DELIVERY_FAILED = 424  # Failed Dependency: the SMS provider, not the person, failed.


def _verdict_messages() -> dict[Verdict, str]:
    return {
        Verdict.LOCKED: _("Too many wrong codes. Request a new code."),
        Verdict.EXPIRED: _("This code has expired. Request a new code."),
        Verdict.USED: _("This code has already been used. Request a new code to sign in again."),
        Verdict.REPLACED: _("A newer code was sent. Enter the code from the latest SMS."),
        Verdict.UNDELIVERED: _("We could not send this code. Request a new code."),
    }


def verdict_message(verdict: Verdict, challenge: Challenge) -> str:
    """What to tell the person about a sign-in code that was not accepted."""
    if verdict is Verdict.WRONG:
        return ngettext(
            "That code is not right. You have %(n)d attempt left.",
            "That code is not right. You have %(n)d attempts left.",
            challenge.attempts_left,
        ) % {"n": challenge.attempts_left}
    return _verdict_messages()[verdict]


def wait_text(seconds: int) -> str:
    """How long a rate-limited person waits, rounded up: "3 minutes", "40 seconds"."""
    minutes, rest = divmod(seconds, 60)
    if minutes:
        minutes += bool(rest)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", rest) % {"n": rest}


def delivery_failed_message() -> str:
    return _("We could not send the code just now. Please try again in a moment.")


def delivery_state(challenge: Challenge) -> dict[str, str]:
    """How the code's SMS is doing, as the code page and its status poll show it.

    "sending" while a worker has it (``WEBOTP_DELIVERY = "task"``), then "sent" or "failed". A
    suppressed SMS (unknown number, sign-up off) reads "sent", like any other.
    """
    status = challenge.delivery_status
    if status in (DeliveryStatus.QUEUED, DeliveryStatus.PENDING):
        return {"state": "sending", "message": _("Sending your code…")}
    if status in (DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED):
        return {"state": "failed", "message": _verdict_messages()[Verdict.UNDELIVERED]}
    return {"state": "sent", "message": _("Your code is on its way.")}


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it stays on this site, else LOGIN_REDIRECT_URL."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def rate_limited(request: HttpRequest, throttle: Throttle) -> HttpResponse:
    wait = wait_text(throttle.retry_after)
    response = render(
        request,
        "django_webotp/rate_limited.html",
        {"retry_after": throttle.retry_after, "wait": wait, "scope": throttle.scope},
        status=429,
    )
    response["Retry-After"] = str(throttle.retry_after)
    return response


def _state(request: HttpRequest) -> dict[str, Any]:
    return request.session.get(SESSION_KEY) or {}


def _remember(request: HttpRequest, challenge: Challenge, next_url: str, notice: str = "") -> None:
    request.session[SESSION_KEY] = {
        "challenge": str(challenge.pk),
        "phone": challenge.phone,
        "next": next_url,
        "notice": notice,
    }


def _current_challenge(request: HttpRequest) -> Challenge | None:
    challenge_id = _state(request).get("challenge")
    if not challenge_id:
        return None
    try:  # get(), not filter().first(): no ORDER BY for a primary-key lookup on the hot path
        return Challenge.objects.get(pk=challenge_id)
    except Challenge.DoesNotExist:
        return None


@method_decorator([never_cache, csrf_protect], name="dispatch")
@method_decorator(sensitive_post_parameters("phone_number"), name="post")
class LoginView(View):
    """Ask for a phone number and send it a code."""

    template_name = "django_webotp/login.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = PhoneForm(initial={"next": request.GET.get("next", "")})
        return self.render_form(form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PhoneForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        result = challenges.start(request, form.cleaned_data["phone_number"])
        if result.refusal:
            return self.render_form(form, status=400, alert=result.refusal)
        if result.throttle:
            return rate_limited(request, result.throttle)
        if result.delivery_error:
            return self.render_form(form, status=DELIVERY_FAILED, alert=delivery_failed_message())
        assert result.challenge is not None
        _remember(request, result.challenge, form.cleaned_data["next"])
        return HttpResponseRedirect(reverse("webotp:verify"))

    def render_form(self, form: PhoneForm, status: int = 200, alert: str = "") -> HttpResponse:
        context = {"form": form, "alert": alert}
        return render(self.request, self.template_name, context, status=status)


@method_decorator([never_cache, csrf_protect], name="dispatch")
@method_decorator(sensitive_post_parameters("code"), name="post")
class VerifyView(View):
    """Take the code (typed, or filled in by Web OTP) and sign the person in."""

    template_name = "django_webotp/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = _current_challenge(request)
        if challenge is None:
            return HttpResponseRedirect(reverse("webotp:login"))
        return self.render_form(challenge, CodeForm(code_length=challenge.code_length))

    def post(self, request: HttpRequest) -> HttpResponse:
        challenge = _current_challenge(request)
        if challenge is None:
            return no_challenge(request)
        form = CodeForm(request.POST, code_length=challenge.code_length)
        throttle = challenges.verify_throttle(request, challenge)
        if throttle.limited:
            return rate_limited(request, throttle)
        if not form.is_valid():
            return self.render_form(challenge, form, status=400)
        verdict = challenges.verify(request, challenge, form.cleaned_data["code"])
        if verdict is Verdict.VERIFIED:
            user = authenticate(request, webotp_challenge=challenge)
            if user is None:
                form.add_error("code", _("This phone number cannot be used to sign in."))
                return self.render_form(challenge, form, status=403)
            next_url = _state(request).get("next")
            login(request, user)
            request.session.pop(SESSION_KEY, None)
            return HttpResponseRedirect(safe_next(request, next_url))
        form.add_error("code", verdict_message(verdict, challenge))
        return self.render_form(challenge, form, status=400)

    def render_form(
        self, challenge: Challenge, form: CodeForm, status: int = 200, alert: str = ""
    ) -> HttpResponse:
        state = _state(self.request)
        notice = state.pop("notice", "")
        if notice:
            self.request.session[SESSION_KEY] = state
        waited = (timezone.now() - challenge.created_at).total_seconds()
        context = {
            "form": form,
            "alert": alert,
            "challenge": challenge,
            "phone_number": state.get("phone", ""),
            "notice": notice,
            "resend_wait": max(int(webotp_settings.RESEND_COOLDOWN - waited), 0),
            "webotp_simulator": simulator_context(),
            "delivery": delivery_state(challenge),
            "webotp_link_qr": links.qr_context(self.request, challenge),
        }
        return render(self.request, self.template_name, context, status=status)


@method_decorator([never_cache, csrf_protect], name="dispatch")
class ResendView(View):
    """Send a new code to the same number; the previous code stops working."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        challenge = _current_challenge(request)
        if challenge is None:
            return no_challenge(request)
        result = challenges.resend(request, challenge)
        if result.throttle:
            return rate_limited(request, result.throttle)
        if result.refusal:
            form = CodeForm(code_length=challenge.code_length)
            view = VerifyView(request=request)
            return view.render_form(challenge, form, status=400, alert=result.refusal)
        next_url = _state(request).get("next", "")
        assert result.challenge is not None
        if result.delivery_error:
            _remember(request, result.challenge, next_url)
            form = CodeForm(code_length=challenge.code_length)
            return VerifyView(request=request).render_form(
                result.challenge, form, status=DELIVERY_FAILED, alert=delivery_failed_message()
            )
        _remember(request, result.challenge, next_url, _("We sent a new code."))
        return HttpResponseRedirect(reverse("webotp:verify"))


@method_decorator(never_cache, name="dispatch")
class StatusView(View):
    """The delivery state of this browser's code as JSON, for the code page's poll."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = _current_challenge(request)
        if challenge is None:
            message = _("Your sign-in request has expired. Enter your phone number again.")
            return JsonResponse({"state": "gone", "message": message}, status=404)
        return JsonResponse(delivery_state(challenge))


def no_challenge(request: HttpRequest) -> HttpResponse:
    """A code was posted but this browser has no code request (session expired or never made)."""
    alert = _("Your sign-in request has expired. Enter your phone number again.")
    context = {"form": PhoneForm(), "alert": alert}
    return render(request, "django_webotp/login.html", context, status=400)
