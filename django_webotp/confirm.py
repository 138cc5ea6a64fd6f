"""Confirm an action by SMS code: the code confirms that exact action, and only once.

An action is a name ("payment") and the details that make it what it is (amount, payee, order
id...). Its *digest*, a keyed hash of both, is stored on the challenge and mixed into the code, so
a code sent for "payment of €20.00 to Acme" cannot confirm €2,000 to someone else, nor anything
else at all; the SMS states the action in words. Build the action from your own records (the
order in the database) at both steps, never from what the browser sends back::

    from django_webotp import confirm

    action = confirm.Action("payment", {"order": order.pk, "amount": "20.00", "currency": "EUR"},
                            description=_("payment of €20.00 to Acme"))
    result = confirm.request(request, action)            # sends the code
    ...
    if confirm.verify(request, action, code).confirmed:  # True once, for this action only
        order.pay()

or let ``@confirm.required(get_action)`` do both steps around a view that acts on POST.
"""

from __future__ import annotations

import datetime
import decimal
import hmac
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import challenges
from .challenges import StartResult
from .forms import CodeForm
from .models import Challenge, Purpose, Status, Verdict
from .throttling import Throttle
from .two_factor import real_user, user_phone

__all__ = ["Action", "Verification", "action_digest", "request", "required", "verify"]

#: The session key of the confirmation this browser is asked to enter a code for.
SESSION_KEY = "webotp_confirm"
#: Prefix of the confirmation page's own form fields ("webotp-code", "webotp-step").
FIELD_PREFIX = "webotp"
_DIGEST_SALT = "django_webotp.confirm"
# Keeps a confirmation's SMS within one GSM-7 segment with a typical site name and host.
_DESCRIPTION_LIMIT = 80


@dataclass(frozen=True)
class Action:
    """What is being confirmed: ``name`` and ``details`` are bound; ``description`` is shown."""

    name: str
    details: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def digest(self) -> str:
        return action_digest(self.name, self.details)


@dataclass(frozen=True)
class Verification:
    """What checking a confirmation code concluded.

    ``verdict`` is None when this session was sent no code for this action (never asked, or the
    details differ from those the code was sent for); ``throttle`` is set when too many codes
    came from this client.
    """

    verdict: Verdict | None
    challenge: Challenge | None = None
    throttle: Throttle | None = None

    @property
    def confirmed(self) -> bool:
        return self.verdict is Verdict.VERIFIED


def _canonical(value: Any) -> Any:
    """``value`` as plain JSON data, one way only (so equal actions give equal digests)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        # 20, 20.0 and 20.00 are the same amount.
        return {"decimal": format(value.normalize(), "f")}
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("Action details must have str keys.")
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    raise TypeError(
        f"Action details cannot hold a {type(value).__name__} (use str, int, bool, None, "
        "Decimal, dates, UUIDs, lists and dicts; amounts as Decimal or str, never float)."
    )


def action_digest(name: str, details: Mapping[str, Any] | None = None) -> str:
    """The keyed digest of an action (64 hex characters); a stolen table cannot reverse it."""
    payload = json.dumps(
        {"action": str(name), "details": _canonical(dict(details or {}))},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return salted_hmac(_DIGEST_SALT, payload, algorithm="sha256").hexdigest()


def plain_description(text: Any) -> str:
    """The description as one short line that cannot pass for the SMS's "@host #code" line."""
    line = " ".join(str(text).split())
    # Chrome reads the first "@host #code" anywhere in an SMS: a payee called "@evil.example #1"
    # must not become one.
    line = re.sub(r"(^|\s)@", r"\1(at)", line)
    if len(line) > _DESCRIPTION_LIMIT:
        line = line[: _DESCRIPTION_LIMIT - 3].rstrip() + "..."  # "…" would force UCS-2
    return line


def _account(request: HttpRequest) -> Any:
    user = real_user(request)
    return user if getattr(user, "is_authenticated", False) else None


def request(http_request: HttpRequest, action: Action, *, phone: str | None = None) -> StartResult:
    """Text a code confirming ``action`` to ``phone`` (default: the signed-in user's number).

    Asking again for the same action while its code is still usable sends nothing new. The
    result's ``refusal`` says why no code could be sent when there is no number to send it to.
    """
    user = _account(http_request)
    phone = phone or user_phone(user)
    if phone is None:
        return StartResult(refusal=_("Add a phone number to your account to confirm this."))
    digest = action.digest
    current = _session_challenge(http_request, user)
    if (
        current is not None
        and current.status is Status.PENDING
        and current.phone == str(phone)
        and hmac.compare_digest(current.action_digest, digest)
    ):
        return StartResult(challenge=current)
    result = challenges.start(
        http_request,
        str(phone),
        Purpose.CONFIRM,
        user=user,
        action_digest=digest,
        description=plain_description(action.description or action.name),
    )
    if result.challenge is not None:
        _remember(http_request, result.challenge)
    return result


def verify(http_request: HttpRequest, action: Action, code: str) -> Verification:
    """Judge ``code`` for ``action``; ``.confirmed`` is True once, for this exact action."""
    challenge = pending(http_request, action)
    if challenge is None:
        return Verification(verdict=None)
    throttle = challenges.verify_throttle(http_request, challenge)
    if throttle.limited:
        return Verification(verdict=None, challenge=challenge, throttle=throttle)
    # The session keeps pointing at a used challenge, so that replaying the code reads "already
    # used" rather than "no code was sent".
    return Verification(challenges.verify(http_request, challenge, code), challenge)


def resend(http_request: HttpRequest, action: Action) -> StartResult | None:
    """A new code for the same action (after the cooldown); None if none was asked for."""
    challenge = pending(http_request, action)
    if challenge is None:
        return None
    result = challenges.resend(http_request, challenge)
    if result.challenge is not None:
        _remember(http_request, result.challenge)
    return result


def pending(http_request: HttpRequest, action: Action) -> Challenge | None:
    """This session's confirmation challenge if it was made for exactly ``action``."""
    challenge = _session_challenge(http_request, _account(http_request))
    if challenge is None or not hmac.compare_digest(challenge.action_digest, action.digest):
        return None
    return challenge


def _session_challenge(http_request: HttpRequest, user: Any) -> Challenge | None:
    state = http_request.session.get(SESSION_KEY) or {}
    challenge_id = state.get("challenge")
    if not challenge_id:
        return None
    try:
        return Challenge.objects.get(
            pk=challenge_id, purpose=Purpose.CONFIRM, user_id=getattr(user, "pk", None)
        )
    except (Challenge.DoesNotExist, ValidationError):
        return None


def _remember(http_request: HttpRequest, challenge: Challenge) -> None:
    http_request.session[SESSION_KEY] = {"challenge": str(challenge.pk), "phone": challenge.phone}


# --- the decorator ---------------------------------------------------------------------------


def required(
    get_action: Callable[..., Action | None],
    *,
    template_name: str = "django_webotp/confirm.html",
    login_url: str | None = None,
) -> Callable:
    """Run the decorated view's POST only once a code confirms the action it is about to do.

    ``get_action(request, *args, **kwargs)`` returns the ``Action`` this POST would perform, or
    None to let the view run as is (a form with errors, say). The first POST sends the code
    and answers with the confirmation page, which posts the same fields back to the same URL
    with the code; the view then runs, once. The action is worked out afresh from that second
    POST, so a changed field (another amount) matches no code. Other methods pass straight
    through; a signed-out visitor is sent to the login page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(http_request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if http_request.method != "POST":
                return view(http_request, *args, **kwargs)
            if _account(http_request) is None:
                return redirect_to_login(http_request.get_full_path(), login_url)
            action = get_action(http_request, *args, **kwargs)
            if action is None:
                return view(http_request, *args, **kwargs)
            page = _ConfirmPage(http_request, action, template_name)
            step = http_request.POST.get(f"{FIELD_PREFIX}-step")
            if step == "code":
                verification, answer = page.check()
                if answer is not None:
                    return answer
                http_request.webotp_confirmation = verification.challenge  # type: ignore[attr-defined]
                return view(http_request, *args, **kwargs)
            if step == "resend":
                return page.resend()
            return page.start()

        return wrapper

    return decorator


class _ConfirmPage:
    """The confirmation page of ``required``: the action in words, the code field, resend."""

    def __init__(self, http_request: HttpRequest, action: Action, template_name: str) -> None:
        self.request = http_request
        self.action = action
        self.template_name = template_name

    def start(self) -> HttpResponse:
        return self._after(request(self.request, self.action))

    def resend(self) -> HttpResponse:
        result = resend(self.request, self.action)
        if result is None:
            return self.start()
        return self._after(result, notice=_("We sent a new code."))

    def check(self) -> tuple[Verification, HttpResponse | None]:
        from .purpose_views import verdict_message

        challenge = pending(self.request, self.action)
        if challenge is None:
            alert = _(
                "These details are not the ones your code was sent for. Check them and ask for "
                "a new code."
            )
            return Verification(verdict=None), self.render(None, alert=alert, status=400)
        form = CodeForm(self.request.POST, prefix=FIELD_PREFIX, code_length=challenge.code_length)
        if not form.is_valid():
            throttle = challenges.verify_throttle(self.request, challenge)
            if throttle.limited:
                return Verification(None, challenge, throttle), self._limited(throttle)
            return Verification(verdict=None), self.render(challenge, form, status=400)
        verification = verify(self.request, self.action, form.cleaned_data["code"])
        if verification.throttle:
            return verification, self._limited(verification.throttle)
        if verification.confirmed:
            return verification, None
        assert verification.verdict is not None and verification.challenge is not None
        judged = verification.challenge  # its attempt count is the one just written
        form.add_error("code", verdict_message(judged, verification.verdict))
        return verification, self.render(judged, form, status=400)

    def _limited(self, throttle: Throttle) -> HttpResponse:
        from .views import rate_limited

        return rate_limited(self.request, throttle)

    def _after(self, result: StartResult, notice: str = "") -> HttpResponse:
        from .views import DELIVERY_FAILED, delivery_failed_message

        if result.throttle:
            return self._limited(result.throttle)
        if result.refusal:
            return self.render(None, alert=result.refusal, status=400)
        assert result.challenge is not None
        if result.delivery_error:
            return self.render(
                result.challenge, alert=delivery_failed_message(), status=DELIVERY_FAILED
            )
        return self.render(result.challenge, notice=notice)

    def render(
        self,
        challenge: Challenge | None,
        form: CodeForm | None = None,
        *,
        alert: str = "",
        notice: str = "",
        status: int = 200,
    ) -> HttpResponse:
        from .purpose_views import code_page_context

        prefix = f"{FIELD_PREFIX}-"
        carried = [
            (name, value)
            for name, values in self.request.POST.lists()
            if name != "csrfmiddlewaretoken" and not name.startswith(prefix)
            for value in values
        ]
        context = {
            "action": self.action,
            "description": plain_description(self.action.description or self.action.name),
            "carried": carried,
            "form_action": self.request.get_full_path(),
            "alert": alert,
            "notice": notice,
        }
        if challenge is not None:
            form = form or CodeForm(prefix=FIELD_PREFIX, code_length=challenge.code_length)
            context.update(code_page_context(challenge, form))
        return render(self.request, self.template_name, context, status=status)
