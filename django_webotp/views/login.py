"""Phone entry -> code entry -> signed in.

The browser's pending cookie (``flows.pending``) remembers which challenge it started (its
random id), so a code only works in the browser that asked for it. Every refusal is a 4xx with a
sentence a person can act on.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from ..abuse.devices import remember_browser
from ..conf import webotp_settings
from ..delivery import links
from ..flows.code_step import CodeStep
from ..flows.passkeys import available as passkeys_available
from ..flows.pending import keeps_pending
from ..flows.recovery import RecoveryWait
from ..flows.signin import SessionUnavailable, sign_in
from ..forms import CodeForm, PhoneForm
from ..models import Challenge, Purpose
from ..phone import display_number
from ..wording import account_unavailable, delivery_state, lost_message, session_unavailable
from .base import CodeStepView, fixed_url, not_sent
from .passkeys import ceremony_urls, offer_url
from .texts import CODE_PAGE, PHONE_PAGE, page_texts

__all__ = ["LoginView", "ResendView", "StatusView", "VerifyView"]


@method_decorator([never_cache, csrf_protect, keeps_pending], name="dispatch")
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
        step = CodeStep(request, Purpose.LOGIN)
        result = step.start(
            form.cleaned_data["phone_number"],
            next_url=form.cleaned_data["next"],
            remember_failed=False,
        )
        answer = not_sent(request, result, partial(self.render_form, form))
        if answer is not None:
            return answer
        return HttpResponseRedirect(fixed_url("webotp:verify"))

    def render_form(self, form: PhoneForm, status: int = 200, alert: str = "") -> HttpResponse:
        return login_page(self.request, form, alert, status)


def login_page(request: HttpRequest, form: PhoneForm, alert: str, status: int) -> HttpResponse:
    # The field's parts are read once here: the template would look each up several times.
    phone = form["phone_number"]
    value = phone.value()
    next_url = form["next"].value()
    offered = webotp_settings.PASSKEYS and passkeys_available()
    context = {
        **page_texts(PHONE_PAGE),
        "form": form,
        "alert": alert,
        "non_field_errors": form.non_field_errors(),
        "form_action": fixed_url("webotp:login"),
        "field": {
            "id": phone.id_for_label,
            "name": phone.html_name,
            "label": phone.label,
            "value": "" if value is None else value,
            "errors": phone.errors,
        },
        "next": "" if next_url is None else next_url,
        "passkeys": offered,
        **(ceremony_urls() if offered else {}),
    }
    return render(request, "django_webotp/login.html", context, status=status)


@method_decorator([never_cache, csrf_protect, keeps_pending], name="dispatch")
class VerifyView(CodeStepView):
    """Take the code (typed, or filled in by Web OTP) and sign the person in."""

    purpose = Purpose.LOGIN
    template_name = "django_webotp/verify.html"
    url_name = "webotp:verify"

    def get(self, request: HttpRequest) -> HttpResponse:
        # The QR code is shown only while the challenge is pending: that needs the row.
        challenge = self.step.challenge if webotp_settings.LINK_QR else self.step.shown
        if challenge is None:
            return HttpResponseRedirect(fixed_url("webotp:login"))
        return self.render_page(challenge)

    def post(self, request: HttpRequest) -> HttpResponse | None:
        return self.check()  # resending has its own address

    def on_verified(self, challenge: Challenge, form: CodeForm) -> HttpResponse:
        try:
            redirect = sign_in(self.request, challenge, self.step.next_url)
        except SessionUnavailable:  # the code is used up: back to the phone form, to try again
            return login_page(self.request, PhoneForm(), session_unavailable(), 503)
        except RecoveryWait as wait:  # the code is used up too: a new one after the wait
            self.step.forget()
            return login_page(self.request, PhoneForm(), str(wait), 403)
        if redirect is None:
            form.add_error("code", account_unavailable())
            return self.render_page(challenge, form, status=403)
        self.step.forget()
        offer = offer_url(self.request, self.request.user, redirect)
        response = HttpResponseRedirect(offer or redirect)
        remember_browser(self.request, response, challenge.phone)
        return response

    def start_url(self) -> str:
        return fixed_url("webotp:login")

    def no_challenge(self, alert: str) -> HttpResponse:
        """Back to the phone form: the session expired, or never asked for a code."""
        return login_page(self.request, PhoneForm(), alert, 400)

    def extra_context(self, challenge: Challenge | None) -> dict[str, Any]:
        if challenge is None:
            return {}
        return {
            "phone_number": challenge.phone,
            "webotp_link_qr": links.qr_context(self.request, challenge),
        }

    def complete_context(self, context: dict[str, Any]) -> None:
        # verify.html reads these plain values: each is worked out once, not per use.
        texts = page_texts(CODE_PAGE)
        # As {% blocktranslate %} does: the catalogue's sentence trusted, the number escaped.
        phone = escape(display_number(context.get("phone_number", "")))
        texts["sent_to"] = mark_safe(texts["sent_to"] % {"phone": phone})  # noqa: S308
        delivery = context.get("delivery") or {}
        form = context.get("form")
        field: dict[str, Any] = {}
        if form is not None:
            code = form["code"]
            field = {
                "id": code.id_for_label,
                "name": code.html_name,
                "length": context["challenge"].code_length,
                "errors": code.errors,
            }
        context.update(
            texts,
            field=field,
            non_field_errors=form.non_field_errors() if form is not None else (),
            show_delivery=delivery.get("state") != "sent" and not context["alert"],
            sending=delivery.get("state") == "sending",
            status_url=fixed_url("webotp:status"),
            resend_url=fixed_url("webotp:resend"),
            login_url=fixed_url("webotp:login"),
            script_url=static("django_webotp/webotp.js"),
        )


@method_decorator([never_cache, csrf_protect, keeps_pending], name="dispatch")
class ResendView(VerifyView):
    """Send a new code to the same number; the previous code stops working."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        return self.resend()

    def send(self) -> HttpResponse:
        return self.no_challenge(lost_message(self.purpose))


@method_decorator(never_cache, name="dispatch")
class StatusView(View):
    """The delivery state of this browser's code as JSON, for the code page's poll."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        challenge = CodeStep(request, Purpose.LOGIN).challenge
        if challenge is None:
            message = lost_message(Purpose.LOGIN)
            return JsonResponse({"state": "gone", "message": message}, status=404)
        return JsonResponse(delivery_state(challenge))
