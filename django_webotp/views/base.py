"""What every HTML code page shares: a code step's page, the 429 page, and a safe ``next``.

A page is a form, a call into ``flows`` and a response; the rules (which challenge, how many
tries, when a new code may be asked for) are the flows' own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from ..abuse.refusal import Refusal
from ..decorators import two_factor_exempt
from ..flows.challenges import StartResult, resend_in, shown_state
from ..flows.code_step import CodeStep
from ..forms import CodeForm
from ..models import Challenge, Status, Verdict
from ..wording import (
    closed_message,
    delivery_failed,
    delivery_state,
    lost_message,
    new_code_sent,
    resend_available_in,
    resend_refused,
    verdict_message,
    wait_text,
)
from .texts import countdown_words

__all__ = [
    "DELIVERY_FAILED",
    "PAGE_DECORATORS",
    "CodeStepView",
    "code_page_context",
    "fixed_url",
    "not_sent",
    "rate_limited",
    "say",
    "with_next",
]

DELIVERY_FAILED = 424  # Failed Dependency: the SMS provider, not the person, failed.

#: What every page of the purposes beyond sign-in is wrapped in. ``two_factor_exempt``: they are
#: reached while the session is partly signed in, and check for themselves who may use them.
PAGE_DECORATORS: list[Callable[..., Any]] = [never_cache, csrf_protect, two_factor_exempt]


def rate_limited(
    request: HttpRequest,
    refusal: Refusal,
    *,
    code_url: str = "",
    start_url: str = "",
    resending: bool = False,
) -> HttpResponse:
    """429 with ``Retry-After``: a temporary refusal, whichever limit or budget it was.

    From a code page, ``code_url`` leads back to it (the code already received still works)
    and ``start_url`` to where another number can be typed; ``resending``: it was a new code
    that was refused, and the page says when one can be asked for.
    """
    wait = wait_text(refusal.retry_after)
    context = {
        "retry_after": refusal.retry_after,
        "wait": wait,
        "scope": refusal.reason,
        "code_url": code_url,
        "start_url": start_url,
        "when": resend_refused(refusal.retry_after) if resending else "",
    }
    response = render(request, "django_webotp/rate_limited.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def not_sent(
    request: HttpRequest, result: StartResult, show: Callable[[int, str], HttpResponse]
) -> HttpResponse | None:
    """Why no code went out: a 429 to wait, else ``show(status, alert)``; None when it went."""
    if result.refusal and result.refusal.temporary:
        return rate_limited(request, result.refusal)
    if result.refusal:
        return show(400, result.refusal.message)
    if result.delivery_error:
        return show(DELIVERY_FAILED, delivery_failed())
    return None


_fixed_urls: dict[tuple[object, str, str], str] = {}


def fixed_url(name: str) -> str:
    """``reverse(name)`` for a URL without arguments, worked out once per URLconf and prefix.

    Keyed by the resolver itself (a new one is made when the URLconf changes), the script
    prefix and the name: every key gives one answer, so threads may share the dict.
    """
    key = (get_resolver(get_urlconf()), get_script_prefix(), name)
    url = _fixed_urls.get(key)
    if url is None:
        if len(_fixed_urls) > 256:  # URLconfs swapped many times (tests): keep it small
            _fixed_urls.clear()
        url = _fixed_urls[key] = reverse(name)
    return url


def with_next(url: str, next_url: str) -> str:
    """``url?next=...``, written as ``redirect_to_login`` writes it."""
    if not next_url:
        return url
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{url}?{query.urlencode(safe='/')}"


def say(request: HttpRequest, message: str) -> None:
    messages.success(request, message, fail_silently=True)


#: The states in which a code page shows why its code no longer works instead of its field.
CLOSED = {Status.LOCKED: Verdict.LOCKED, Status.EXPIRED: Verdict.EXPIRED}


def code_page_context(challenge: Challenge, form: CodeForm) -> dict[str, Any]:
    """What every code page shows: the field, where the code went, resend and delivery.

    ``closed``: why the code no longer works (too many wrong codes, expired), when it does not;
    the page then offers a new code instead of the field. ``resend_countdown``: what the
    "Send a new code" button waits for, while it waits.
    """
    wait = resend_in(challenge)
    closed = CLOSED.get(shown_state(challenge))
    countdown = None
    if wait:
        countdown = {"seconds": wait, "text": resend_available_in(wait), **countdown_words()}
    return {
        "form": form,
        "challenge": challenge,
        # Only the last digits: whoever sees a page before the second step may not be its owner.
        "phone_ending": challenge.phone[-2:],
        "resend_wait": wait,
        "resend_countdown": countdown,
        "closed": closed_message(closed, challenge.purpose) if closed else "",
        "delivery": delivery_state(challenge),
    }


@method_decorator(sensitive_post_parameters("code"), name="post")
class CodeStepView(View):
    """A page that takes the code of this session's challenge of ``purpose``, and resends it."""

    purpose: str
    template_name: str
    url_name: str
    #: The prefix of the page's own fields, when it carries another form's fields too.
    field_prefix: str | None = None
    user: Any = None
    next_url: str = ""

    def get_step(self) -> CodeStep:
        return CodeStep(self.request, self.purpose, user=self.user)

    @cached_property
    def step(self) -> CodeStep:
        return self.get_step()

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(self.step.challenge)

    def post(self, request: HttpRequest) -> HttpResponse | None:
        action = request.POST.get(self.field("step"))
        if action == "resend":
            return self.resend()
        if action == "send":
            return self.send()
        return self.check()

    def field(self, name: str) -> str:
        return f"{self.field_prefix}-{name}" if self.field_prefix else name

    def page_url(self) -> str:
        return with_next(fixed_url(self.url_name), self.next_url)

    def code_form(self, challenge: Challenge, data: Any = None) -> CodeForm:
        return CodeForm(data, prefix=self.field_prefix, code_length=challenge.code_length)

    def send(self) -> HttpResponse:
        """Ask for a first code (a page that sends one overrides this)."""
        return HttpResponseRedirect(self.page_url())

    def check(self) -> HttpResponse | None:
        """Judge the posted code; ``on_verified``'s answer when it is right."""
        length = self.step.code_length
        if length is None:
            return self.no_challenge(lost_message(self.purpose))
        form = CodeForm(self.request.POST, prefix=self.field_prefix, code_length=length)
        result = self.step.check(form.cleaned_data["code"] if form.is_valid() else None)
        challenge = result.challenge
        if challenge is None:
            return self.no_challenge(lost_message(self.purpose))
        if result.refusal:
            return self.refused(result.refusal)
        if result.verdict is None:
            return self.render_page(challenge, form, status=400)
        if result.verified:
            return self.on_verified(challenge, form)
        return self.rejected(challenge, form, result.verdict)

    def on_verified(self, challenge: Challenge, form: CodeForm) -> HttpResponse | None:
        raise NotImplementedError

    def rejected(self, challenge: Challenge, form: CodeForm, verdict: Verdict) -> HttpResponse:
        form.add_error("code", verdict_message(verdict, challenge))
        return self.render_page(challenge, form, status=400)

    def no_challenge(self, alert: str) -> HttpResponse:
        """A code was posted, but this session has no code request of this page's."""
        return self.render_page(None, alert=alert, status=400)

    def resend(self) -> HttpResponse:
        result = self.step.resend(new_code_sent())
        if result is None:
            return self.send()
        return self.after_start(result)

    def after_start(self, result: StartResult) -> HttpResponse:
        """The answer to sending a code: the code page, or why not."""

        def show(status: int, alert: str) -> HttpResponse:
            # The challenge that failed to send when there is one (it is remembered), else the
            # one the refusal left in place.
            return self.render_page(self.step.challenge, alert=alert, status=status)

        if result.refusal and result.refusal.temporary:
            return self.refused(result.refusal, resending=True)
        answer = not_sent(self.request, result, show)
        if answer is not None:
            return answer
        assert result.challenge is not None
        return self.after_sent(result.challenge)

    def after_sent(self, challenge: Challenge) -> HttpResponse:
        return HttpResponseRedirect(self.page_url())

    def refused(self, refusal: Refusal, *, resending: bool = False) -> HttpResponse:
        """The 429 of a limit or budget, leading back to this page and to another number."""
        links = {"code_url": self.code_url(), "start_url": self.start_url()}
        return rate_limited(self.request, refusal, resending=resending, **links)

    def code_url(self) -> str:
        """Where the 429 page leads back to, to type the code already received."""
        return self.page_url()

    def start_url(self) -> str:
        """Where another number can be typed instead, for the purposes that take one."""
        return ""

    def render_page(
        self,
        challenge: Challenge | None,
        form: CodeForm | None = None,
        *,
        alert: str = "",
        status: int = 200,
    ) -> HttpResponse:
        context: dict[str, Any] = {
            "alert": alert,
            "notice": self.step.take_notice(),
            "next": self.next_url,
            "form_action": self.page_url(),
            **self.extra_context(challenge),
        }
        if challenge is not None:
            context.update(code_page_context(challenge, form or self.code_form(challenge)))
        self.complete_context(context)
        return render(self.request, self.template_name, context, status=status)

    def extra_context(self, challenge: Challenge | None) -> dict[str, Any]:
        return {}

    def complete_context(self, context: dict[str, Any]) -> None:
        """Add what needs the whole context (its form, its delivery), once, for the template."""
