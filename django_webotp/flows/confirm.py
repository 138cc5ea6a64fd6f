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

or let ``@confirm.required(get_action)`` do both steps around a view that acts on POST (its
page is ``views.confirm``).
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..abuse.refusal import Refusal
from ..models import Challenge, Purpose, Status, Verdict
from ..purposes import spec
from .challenges import StartResult
from .code_step import CodeStep
from .two_factor import real_user, user_phone

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["Action", "Verification", "action_digest", "pending", "request", "resend", "verify"]

#: The session key of the confirmation this browser is asked to enter a code for.
SESSION_KEY = spec(Purpose.CONFIRM).session_key
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
    details differ from those the code was sent for); ``refusal`` is set when too many codes
    came from this client.
    """

    verdict: Verdict | None
    challenge: Challenge | None = None
    refusal: Refusal | None = None

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


def account(request: HttpRequest) -> Any:
    user = real_user(request)
    return user if getattr(user, "is_authenticated", False) else None


def step(http_request: HttpRequest, action: Action | None = None) -> CodeStep:
    """The confirmation code step of this session, for ``action`` (or whichever was asked)."""
    return CodeStep(
        http_request,
        Purpose.CONFIRM,
        user=account(http_request),
        action_digest=action.digest if action is not None else None,
    )


def request(http_request: HttpRequest, action: Action, *, phone: str | None = None) -> StartResult:
    """Text a code confirming ``action`` to ``phone`` (default: the signed-in user's number).

    Asking again for the same action while its code is still usable sends nothing new. The
    result's ``refusal`` says why no code could be sent when there is no number to send it to.
    """
    code_step = step(http_request, action)
    phone = phone or user_phone(code_step.user)
    if phone is None:
        message = _("Add a phone number to your account to confirm this.")
        return StartResult(refusal=Refusal("no_phone", message=message))
    current = code_step.challenge
    if current is not None and current.status is Status.PENDING and current.phone == str(phone):
        return StartResult(challenge=current)
    return code_step.start(
        str(phone),
        action_digest=action.digest,
        description=plain_description(action.description or action.name),
    )


def verify(http_request: HttpRequest, action: Action, code: str) -> Verification:
    """Judge ``code`` for ``action``; ``.confirmed`` is True once, for this exact action."""
    # The session keeps pointing at a used challenge, so that replaying the code reads "already
    # used" rather than "no code was sent".
    check = step(http_request, action).check(code)
    return Verification(check.verdict, check.challenge, check.refusal)


def resend(http_request: HttpRequest, action: Action, notice: str = "") -> StartResult | None:
    """A new code for the same action (after the cooldown); None if none was asked for."""
    return step(http_request, action).resend(notice)


def pending(http_request: HttpRequest, action: Action) -> Challenge | None:
    """This session's confirmation challenge if it was made for exactly ``action``."""
    return step(http_request, action).challenge
