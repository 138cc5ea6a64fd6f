"""The defences asked before a code is made, in one order, for every front end.

The per-IP limit first (a flood from one client neither runs the possibly remote bot check nor
uses up the victim number's limit and budget); the bot check where a code goes to a number the
asker has not proved (anonymous, or new to the account); the per-account limit on new numbers;
the number's own count (per purpose; a browser that signed in for it has its own allowance);
then the SMS budgets. A request refused by any of them leaves the number's counts as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import signals
from ..abuse import bots, budgets, devices
from ..abuse.clients import client_ip
from ..abuse.ratelimits import Hit, count, hash_phone
from ..abuse.refusal import Refusal
from ..conf import webotp_settings
from ..models import Challenge, PhoneIdentity
from ..purposes import spec
from ..test_numbers import fixed_code

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["limit", "may_receive", "refused", "verify_limit"]


def _count(
    request: HttpRequest, phone: str, purpose: str, scope: str, rates: str, value: str | None = None
) -> Hit:
    counted = count(request, scope, rates, value)
    if counted.refusal is not None:
        signals.rate_limited.send(
            sender=Challenge,
            request=request,
            phone_number=phone,
            purpose=purpose,
            reason=scope,
            retry_after=counted.refusal.retry_after,
        )
    return counted


def limit(
    request: HttpRequest, phone: str, purpose: str, scope: str, rates: str, value: str | None = None
) -> Refusal | None:
    return _count(request, phone, purpose, scope, rates, value).refusal


def refused(
    request: HttpRequest,
    phone: str,
    purpose: str,
    *,
    user: Any,
    receives: Callable[[], bool] | None = None,
) -> Refusal | None:
    """The defences before a code is made, in order; None when all of them let it through.

    ``receives`` answers ``may_receive`` for this number and purpose (the start asks it once
    and remembers the answer for its own delivery); asked only once the per-IP limit let the
    request through.

    A request refused by any of them leaves the number's counts as they were, so refused
    requests (an attacker's) cannot lock the number out.
    """
    refusal = limit(request, phone, purpose, "ip", webotp_settings.RATELIMIT_IP)
    if refusal is not None:
        return refusal
    # Anonymous requests, and codes to numbers new to the account (a phone change, an
    # enrolment), meet the bot check: a stolen or scripted account must not text strangers
    # unchallenged. A code to the account's own verified number is asked of nobody.
    new_number = _new_number(user, phone)
    if user is None or new_number:
        refusal = bots.refusal(request, phone)
    if refusal is None and new_number:
        refusal = _new_number_limit(request, phone, purpose, user)
    if refusal is not None:
        return refusal
    # Counted per purpose, and for a browser that signed in for the number before, against
    # its own allowance: the shared count is the one anonymous requests fill.
    device = devices.device_for(request, phone)
    mine = "" if device is None else f"device:{device}:"
    key = f"{mine}{purpose}:{hash_phone(phone)}"
    counted = _count(request, phone, purpose, "phone", webotp_settings.RATELIMIT_PHONE, key)
    if counted.refusal is not None:
        return counted.refusal
    if receives is None:
        receives = partial(may_receive, phone, purpose)
    exceeded = _spend(request, phone, purpose, device, receives)
    if exceeded is not None:
        counted.give_back()
        return exceeded
    return None


def _spend(
    request: HttpRequest,
    phone: str,
    purpose: str,
    device: str | None,
    receives: Callable[[], bool],
) -> budgets.BudgetExceeded | None:
    """The one place budgets are spent. A test number is sent nothing and spends nothing; a
    withheld code (an unknown number while sign-up is off) spends no shared budget."""
    if fixed_code(phone) is not None:
        return None
    sends = receives()
    exceeded = budgets.spend(
        phone, purpose=purpose, ip=client_ip(request), device=device, sends=sends
    )
    if exceeded:
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
