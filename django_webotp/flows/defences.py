"""The defences asked before a code is made, in one order, for every front end.

The per-IP limit first (a flood from one client neither runs the possibly remote bot check nor
uses up the victim number's limit and budget); the bot check where a code goes to a number the
asker has not proved (anonymous, or new to the account); the per-account limit on new numbers;
the number's own count (per purpose; a browser that signed in for it has its own allowance);
then the SMS budgets. A request refused by any of them leaves the number's counts as they were,
but for the per-IP count, which counts every request that passed the per-IP limit.

Every limit and budget of a start is one plan, checked and counted in one call
(``abuse.counters``: one round trip to Redis), and the bot check is asked after that call, its
answer put in its place among the others: a request that the per-IP limit refused never runs
the bot check; one that the bot check refuses gets the bot check's answer, whatever a later
limit said, and gives back all that the call took but its per-IP count (a second round trip,
on that refusal only). So while a failing bot check is being asked, its request's units are
held, for that long and no longer: the price of not asking Redis twice on every start. A
browser that signed in for the number before counts against its own allowance and never meets
those held units, and the per-IP limit bounds how many one client can hold. What the plan
depends on is read before the call (whether the number is new to the account, whether its code
is sent: one indexed query each, where they apply), so a flood the per-IP limit refuses pays
them too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import signals
from ..abuse import bots, budgets, counters, devices, ratelimits
from ..abuse.clients import client_ip, rate_key
from ..abuse.counters import Outcome, Step
from ..abuse.ratelimits import hash_phone
from ..abuse.refusal import Refusal
from ..conf import webotp_settings
from ..models import Challenge, PhoneIdentity
from ..purposes import spec
from ..test_numbers import fixed_code

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["limit", "may_receive", "refused", "verify_limit"]


def refused(
    request: HttpRequest,
    phone: str,
    purpose: str,
    *,
    user: Any,
    receives: Callable[[], bool] | None = None,
) -> Refusal | None:
    """The defences before a code is made, in order; None when all of them let it through.

    ``receives`` answers ``may_receive`` for this number and purpose (a start asks it once and
    keeps the answer for its own delivery); it is asked only when an SMS budget is set.

    A request refused by any of them leaves the number's counts as they were, so refused
    requests (an attacker's) cannot lock the number out.
    """
    new_number = _new_number(user, phone)
    device = devices.device_for(request, phone)
    now = int(time.time())
    ip = ratelimits.step("ip", webotp_settings.RATELIMIT_IP, rate_key(request), now, keep=True)
    asking = user if new_number else None
    if receives is None:
        receives = partial(may_receive, phone, purpose)
    plan = _plan(request, phone, purpose, asking, device, now, receives)
    outcome = counters.count([ip, *plan], now)
    if ip is not None and outcome.refused is ip:
        return _answer(request, phone, purpose, outcome)
    # Anonymous requests, and codes to numbers new to the account (a phone change, an
    # enrolment), meet the bot check: a stolen or scripted account must not text strangers
    # unchallenged. A code to the account's own verified number is asked of nobody.
    if user is None or new_number:
        refusal = bots.refusal(request, phone)
        if refusal is not None:
            counters.give_back(outcome.taken)
            return refusal
    return _answer(request, phone, purpose, outcome)


def _plan(
    request: HttpRequest,
    phone: str,
    purpose: str,
    asking: Any,
    device: str | None,
    now: int,
    receives: Callable[[], bool],
) -> list[Step | None]:
    """The steps after the per-IP limit, in order: the per-account limit on new numbers (for
    ``asking``, an account asking for a number new to it: one count per account, whichever
    address asks), the number's limit (per purpose and, for a browser that signed in for it
    before, against its own allowance), then the budgets."""
    plan = []
    if asking is not None:
        rates = webotp_settings.RATELIMIT_NEW_NUMBER
        plan.append(ratelimits.step("new_number", rates, f"account:{asking.pk}", now))
    mine = "" if device is None else f"device:{device}:"
    key = f"{mine}{purpose}:{hash_phone(phone)}"
    plan.append(ratelimits.step("phone", webotp_settings.RATELIMIT_PHONE, key, now))
    # A test number is sent nothing and spends nothing; a withheld code (an unknown number
    # while sign-up is off) spends no shared budget.
    if fixed_code(phone) is None:
        ip = client_ip(request)
        plan += budgets.steps(phone, now, purpose=purpose, ip=ip, device=device, sends=receives)
    return plan


def _answer(request: HttpRequest, phone: str, purpose: str, outcome: Outcome) -> Refusal | None:
    """The refusal of the step that refused, if one did, with its signal."""
    if outcome.refused is None:
        return None
    if not outcome.refused.budget:
        return _rate_limited(request, phone, purpose, ratelimits.refusal(outcome))
    exceeded = budgets.exceeded(outcome)
    if exceeded is not None:
        signals.budget_exceeded.send(
            sender=Challenge,
            request=request,
            phone_number=phone,
            purpose=purpose,
            reason=exceeded.scope,
            scope_value=exceeded.value if exceeded.scope != "number" else phone,
            rate=exceeded.rate,
            retry_after=exceeded.retry_after,
        )
    return exceeded


def _rate_limited(
    request: HttpRequest, phone: str, purpose: str, refusal: Refusal | None
) -> Refusal | None:
    if refusal is not None:
        signals.rate_limited.send(
            sender=Challenge,
            request=request,
            phone_number=phone,
            purpose=purpose,
            reason=refusal.reason,
            retry_after=refusal.retry_after,
        )
    return refusal


def limit(
    request: HttpRequest, phone: str, purpose: str, scope: str, rates: str, value: str | None = None
) -> Refusal | None:
    """Count one request against one limit (one round trip); the refusal, with its signal."""
    refusal = ratelimits.count(request, scope, rates, value).refusal
    return _rate_limited(request, phone, purpose, refusal)


def _new_number(user: Any, phone: str) -> bool:
    """Whether this is a signed-in account's code to a number it has not verified."""
    return (
        user is not None
        and not PhoneIdentity.objects.filter(user=user, phone_number=phone).exists()
    )


def _new_number_limit(request: HttpRequest, phone: str, purpose: str, user: Any) -> Refusal | None:
    """WEBOTP_RATELIMIT_NEW_NUMBER: one count per account, whichever address asks."""
    rates = webotp_settings.RATELIMIT_NEW_NUMBER
    return limit(request, phone, purpose, "new_number", rates, f"account:{user.pk}")


def may_receive(phone: str, purpose: str) -> bool:
    """Whether this number is sent its code now (queued sends decide in the worker instead, so
    both kinds of number go through the same "sending..." step on the code page)."""
    if not spec(purpose).unknown_numbers_withheld:
        return True
    return PhoneIdentity.objects.sign_in_code_goes_to(phone)


def verify_limit(request: HttpRequest, phone: str, purpose: str) -> Refusal | None:
    """Count one code submission from this client; the refusal when there were too many."""
    return limit(request, phone, purpose, "verify", webotp_settings.RATELIMIT_VERIFY_IP)
