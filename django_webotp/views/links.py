"""The pages a one-tap link (or its QR code) opens: the code filled in, and a button to sign in.

Opening a link changes nothing that matters: link scanners and message previews fetch links, so
only the POST of the form (the person pressing the button) judges the code, through the same
conditional UPDATE as the code page, so a link is used at most once and dies with its challenge.

The link ``c/<token>/`` answers with ``Referrer-Policy: no-referrer`` and a redirect to ``c/``,
the confirmation page, after keeping the token in this browser's session; the fragment holding
the code survives the redirect (browsers carry it over), and the token leaves the address bar.
The confirmation page cannot be ``no-referrer`` itself: under that policy browsers send
``Origin: null`` with the form's POST, which Django's CSRF protection rightly refuses. It is
``same-origin``: its URL holds no token, and nothing it loads from elsewhere learns where from.

The pages work in any browser, not only the one that asked for the code: the token finds the
challenge, and the code proves the SMS was read. That browser is the one signed in (see
docs/howto/links.md, "Which browser is signed in"). When it is also the browser that
asked, its ``next`` is followed and its code-page state is cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from ..abuse.devices import remember_browser
from ..delivery import links
from ..flows.code_step import CodeStep
from ..flows.pending import keeps_pending
from ..flows.recovery import RecoveryWait
from ..flows.signin import SessionUnavailable, sign_in
from ..forms import CodeForm
from ..models import Challenge, Purpose, Status, Verdict
from ..wording import account_unavailable, closed_message, session_unavailable, verdict_message
from .base import rate_limited

__all__ = ["LINK_SESSION_KEY", "LinkConfirmView", "LinkView", "referrer_policy"]

INVALID, LOST, GONE = 404, 400, 410
LINK_SESSION_KEY = "webotp_link"

_CLOSED = {
    Status.VERIFIED: Verdict.USED,
    Status.EXPIRED: Verdict.EXPIRED,
    Status.LOCKED: Verdict.LOCKED,
    Status.INVALIDATED: Verdict.REPLACED,
    Status.FAILED: Verdict.UNDELIVERED,
}


def referrer_policy(policy: str) -> Callable[[Callable[..., HttpResponseBase]], Callable]:
    """Send ``Referrer-Policy: <policy>`` with every answer of the view, whatever the site's
    SECURE_REFERRER_POLICY says."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            response["Referrer-Policy"] = policy
            return response

        return wrapper

    return decorator


def _page(request: HttpRequest, alert: str, status: int) -> HttpResponse:
    """The link page saying why there is nothing to confirm."""
    context = {"closed": True, "alert": alert}
    return render(request, "django_webotp/link.html", context, status=status)


def _closed(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    return _page(request, closed_message(verdict, Purpose.LOGIN), GONE)


@method_decorator([referrer_policy("no-referrer"), never_cache], name="dispatch")
class LinkView(View):
    """The link itself: remember its token in this browser, then show the confirmation page."""

    http_method_names = ["get", "head"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not links.enabled():
            raise Http404("One-tap links are switched off.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        challenge = links.challenge_for_token(token)
        if challenge is None:
            alert = _(
                "This sign-in link is not valid. Open the whole link from the SMS, or request a "
                "new code."
            )
            return _page(request, alert, INVALID)
        verdict = _CLOSED.get(challenge.status)
        if verdict is not None:
            return _closed(request, verdict)
        request.session[LINK_SESSION_KEY] = token
        return HttpResponseRedirect(reverse("webotp:link_confirm"))


@method_decorator(
    [referrer_policy("same-origin"), never_cache, csrf_protect, keeps_pending], name="dispatch"
)
@method_decorator(sensitive_post_parameters("code"), name="post")
class LinkConfirmView(View):
    """GET shows the confirmation form; POST judges the code and signs this browser in."""

    template_name = "django_webotp/link.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not links.enabled():
            raise Http404("One-tap links are switched off.")
        return super().dispatch(request, *args, **kwargs)

    def challenge(self) -> Challenge | None:
        token = self.request.session.get(LINK_SESSION_KEY)
        return links.challenge_for_token(token) if token else None

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = self.challenge()
        if challenge is None:
            return self.lost()
        verdict = _CLOSED.get(challenge.status)
        if verdict is not None:
            return _closed(request, verdict)
        return self.render_form(challenge, CodeForm(code_length=challenge.code_length))

    def post(self, request: HttpRequest) -> HttpResponse:
        challenge = self.challenge()
        if challenge is None:
            return self.lost()
        # The login code step of this browser judges it; it may not be the browser that asked.
        step = CodeStep(request, Purpose.LOGIN).with_challenge(challenge)
        form = CodeForm(request.POST, code_length=challenge.code_length)
        result = step.check(form.cleaned_data["code"] if form.is_valid() else None)
        if result.refusal:
            return rate_limited(request, result.refusal)
        if result.verdict is None:
            return self.render_form(challenge, form, status=400)
        if result.verified:
            return self.sign_in(step, challenge, form)
        if result.verdict not in (Verdict.WRONG, Verdict.SUPERSEDED):
            return _closed(request, result.verdict)
        form.add_error("code", verdict_message(result.verdict, challenge))
        return self.render_form(challenge, form, status=400)

    def sign_in(self, step: CodeStep, challenge: Challenge, form: CodeForm) -> HttpResponse:
        asked_here = step.state.get("challenge") == str(challenge.pk)
        try:
            redirect = sign_in(self.request, challenge, step.next_url if asked_here else None)
        except SessionUnavailable:  # the code is used up: a new one is needed
            return _page(self.request, session_unavailable(), 503)
        except RecoveryWait as wait:  # the code is used up: a new one after the wait
            return _page(self.request, str(wait), 403)
        if redirect is None:
            form.add_error("code", account_unavailable())
            return self.render_form(challenge, form, status=403)
        self.request.session.pop(LINK_SESSION_KEY, None)
        if asked_here:
            step.forget()
        response = HttpResponseRedirect(redirect)
        remember_browser(self.request, response, challenge.phone)
        return response

    def render_form(self, challenge: Challenge, form: CodeForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "challenge": challenge,
            "masked_phone": links.masked_phone(challenge),
        }
        return render(self.request, self.template_name, context, status=status)

    def lost(self) -> HttpResponse:
        """No link was opened in this browser (or its session is gone): say how to go on."""
        alert = _(
            "We could not find your sign-in link in this browser. Open the link from the SMS "
            "again; this page needs cookies."
        )
        return _page(self.request, alert, LOST)
