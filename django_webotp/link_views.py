"""The page a one-tap link (or its QR code) opens: the code filled in, and a button to sign in.

Opening the page changes nothing: link scanners and message previews fetch links, so only the
POST of the form (the person pressing the button) judges the code, through the same conditional
UPDATE as the code page, so a link is used at most once and dies with its challenge.

The page works in any browser, not only the one that asked for the code: the token in the URL
finds the challenge, and the code proves the SMS was read. That browser is the one signed in
(see docs/links-and-formats.md, "Which browser is signed in"). When it is also the browser
that asked, its ``next`` is followed and its code-page state is cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import authenticate, login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from . import challenges, links
from .forms import CodeForm
from .models import Challenge, Status, Verdict
from .views import SESSION_KEY, _state, _verdict_messages, rate_limited, safe_next

__all__ = ["LinkView", "no_referrer"]

INVALID, GONE = 404, 410

_CLOSED = {
    Status.VERIFIED: Verdict.USED,
    Status.EXPIRED: Verdict.EXPIRED,
    Status.LOCKED: Verdict.LOCKED,
    Status.INVALIDATED: Verdict.REPLACED,
    Status.FAILED: Verdict.UNDELIVERED,
}


def no_referrer(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send ``Referrer-Policy: no-referrer``: the page's URL names a challenge, so no request
    it makes (a stylesheet, a link followed) may carry it to anyone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


@method_decorator([no_referrer, never_cache, csrf_protect], name="dispatch")
@method_decorator(sensitive_post_parameters("code"), name="post")
class LinkView(View):
    """GET shows the confirmation form; POST judges the code and signs this browser in."""

    template_name = "django_webotp/link.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not links.enabled():
            raise Http404("One-tap links are switched off.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        challenge = links.challenge_for_token(token)
        if challenge is None:
            return self.invalid()
        verdict = _CLOSED.get(challenge.status)
        if verdict is not None:
            return self.closed(verdict)
        return self.render_form(challenge, token, CodeForm(code_length=challenge.code_length))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        challenge = links.challenge_for_token(token)
        if challenge is None:
            return self.invalid()
        throttle = challenges.verify_throttle(request, challenge)
        if throttle.limited:
            return rate_limited(request, throttle)
        form = CodeForm(request.POST, code_length=challenge.code_length)
        if not form.is_valid():
            return self.render_form(challenge, token, form, status=400)
        verdict = challenges.verify(request, challenge, form.cleaned_data["code"])
        if verdict is Verdict.VERIFIED:
            return self.sign_in(challenge, token, form)
        if verdict is not Verdict.WRONG:
            return self.closed(verdict)
        message = ngettext(
            "That code is not right. You have %(n)d attempt left.",
            "That code is not right. You have %(n)d attempts left.",
            challenge.attempts_left,
        ) % {"n": challenge.attempts_left}
        form.add_error("code", message)
        return self.render_form(challenge, token, form, status=400)

    def sign_in(self, challenge: Challenge, token: str, form: CodeForm) -> HttpResponse:
        request = self.request
        user = authenticate(request, webotp_challenge=challenge)
        if user is None:
            form.add_error("code", _("This phone number cannot be used to sign in."))
            return self.render_form(challenge, token, form, status=403)
        state = _state(request)
        asked_here = state.get("challenge") == str(challenge.pk)
        login(request, user)
        if asked_here:
            request.session.pop(SESSION_KEY, None)
        return HttpResponseRedirect(safe_next(request, state.get("next") if asked_here else None))

    def render_form(
        self, challenge: Challenge, token: str, form: CodeForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "challenge": challenge,
            "token": token,
            "masked_phone": links.masked_phone(challenge),
        }
        return render(self.request, self.template_name, context, status=status)

    def closed(self, verdict: Verdict) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"closed": True, "alert": _verdict_messages()[verdict]},
            status=GONE,
        )

    def invalid(self) -> HttpResponse:
        alert = _(
            "This sign-in link is not valid. Open the whole link from the SMS, or request a new "
            "code."
        )
        return render(
            self.request, self.template_name, {"closed": True, "alert": alert}, status=INVALID
        )
