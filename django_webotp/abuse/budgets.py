"""Caps on SMS sent per client, network, number, number prefix, country and in total: the
SMS-pumping brake.

Rate limits (``ratelimits``) bound what one client can ask for; budgets bound what the site
spends. Each scope has a list of rates (``"30/h,100/d"``) counted in fixed windows in the
rate-limit cache, which must be shared between processes in production. A code takes one unit
from every window of every scope, or from none: when one window is full the units already taken
are given back, so the counts stay exact under concurrency. ``steps`` are a code's budgets as
part of its request's plan, which ``counters`` checks and counts with the rate limits at once.

The scopes are asked in order, the client's own first (``ip``, then its ``network``: a /24 or
/64), then the number's (per purpose), then the shared ones (``prefix``, ``country``,
``global``), so that one client spends its own budget long before it can spend anybody else's.
What each kind of code spends:

* the client's and the number's budgets count every code that gets this far, sent or withheld
  (an unknown number while sign-up is off), so known and unknown numbers are refused alike and
  a client that wastes them only stops itself;
* the shared budgets are spent only by an SMS that is really sent; a withheld code only *reads*
  them, and is refused when one is spent exactly as a known number is, so a 429 does not tell
  whether a number has an account; a fictional test number spends nothing at all;
* a browser that signed in for the number before (``devices``) counts the number's budget
  against its own allowance, and a shared budget spent by others does not stop its code (its
  SMS still counts there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from ..conf import webotp_settings
from ..phone import number_facts
from .clients import network
from .counters import Outcome, Step, Use
from .ratelimits import hash_phone
from .refusal import Refusal
from .windows import Window, keyed_hash, windows

__all__ = ["BudgetExceeded", "SCOPES", "SHARED", "exceeded", "scope_values", "steps"]

logger = logging.getLogger("django_webotp")

SCOPES = ("ip", "network", "number", "prefix", "country", "global")
SHARED = ("prefix", "country", "global")


@dataclass(frozen=True, kw_only=True)
class BudgetExceeded(Refusal):
    """A spent budget: its ``scope``, the ``value`` it counts (hashed for a number) and ``rate``."""

    scope: str
    value: str
    rate: str


def scope_values(phone_number: str) -> dict[str, str]:
    """The key of each number scope: hashed number, +CC and leading digits, region, "all"."""
    facts = number_facts(str(phone_number))
    if facts is None:
        raise ValueError(f"Not a phone number: {phone_number!r}")
    digits = webotp_settings.BUDGET_PREFIX_DIGITS
    return {
        "number": hash_phone(phone_number),
        "prefix": f"+{facts.country_code}{facts.national[:digits]}",
        "country": facts.region or f"+{facts.country_code}",
        "global": "all",
    }


def steps(
    phone_number: str,
    now: int,
    *,
    purpose: str = "login",
    ip: str | None = None,
    device: str | None = None,
    sends: bool | Callable[[], bool] = True,
) -> list[Step]:
    """This code's share of every budget, as steps of the request's plan, in the order the
    scopes are asked (``counters`` counts them with the rate limits, in one go).

    ``ip`` is the client's address; ``device`` the id of a browser that signed in for this
    number before; ``sends`` whether an SMS really goes out (False: a withheld code), or what
    answers that, asked only when a budget is set.
    """
    budgets = webotp_settings.SMS_BUDGETS or {}
    if not any(budgets.get(scope) for scope in SCOPES):
        return []
    if callable(sends):
        sends = sends()
    values = scope_values(phone_number)
    plan = []
    if ip:
        plan += [("ip", ip, Use.TAKE), ("network", network(ip), Use.TAKE)]
    mine = f"device:{device}:" if device else ""
    plan.append(("number", f"{mine}{purpose}:{values['number']}", Use.TAKE))
    # Nothing sent: nothing to spend; a browser known for the number need not even read them.
    shared = {(True, False): Use.TAKE, (True, True): Use.COUNT, (False, False): Use.READ}
    use = shared.get((sends, bool(device)))
    if use is not None:
        plan += [(scope, values[scope], use) for scope in SHARED]
    return [
        Step(
            scope,
            tuple(windows(f"budget:{scope}", value, rates, now)),
            use,
            budget=True,
            value=value,
        )
        for scope, value, use in plan
        if (rates := budgets.get(scope))
    ]


def exceeded(outcome: Outcome) -> BudgetExceeded | None:
    """The answer of a budget that refused, logged; when its cache is down, "unavailable" (like
    the rate limits, budgets fail closed unless ``RATELIMIT_FAIL_OPEN`` is true)."""
    refused = outcome.refused
    if refused is None:
        return None
    if outcome.unavailable:
        return BudgetExceeded(
            reason="budget:unavailable", retry_after=60, scope="unavailable", value="", rate=""
        )
    return _exceeded(refused.scope, refused.value, outcome.full[0], outcome.now)


def _exceeded(scope: str, value: str, window: Window, now: int) -> BudgetExceeded:
    retry_after = window.retry_after(now)
    logger.warning(
        "SMS budget exceeded: %s %s (%s); no codes sent there for %ss",
        scope,
        loggable(scope, value),
        window.rate,
        retry_after,
    )
    return BudgetExceeded(
        reason=f"budget:{scope}",
        retry_after=retry_after,
        scope=scope,
        value=value,
        rate=window.rate,
    )


def loggable(scope: str, value: str) -> str:
    """A scope's value as it may be logged: a number prefix (for small regions the whole
    number) only by its country code and a keyed hash; a number never."""
    if scope == "number":
        return "(hashed)"
    if scope == "prefix":
        return f"{_country_code(value)}… #{keyed_hash(value, 'django_webotp.budgets.log')[:10]}"
    return value


def _country_code(prefix: str) -> str:
    """``"+44740012"`` -> ``"+44"`` (country codes are prefix-free: the first that exists)."""
    for length in (1, 2, 3):
        if int(prefix[1 : 1 + length] or 0) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return prefix[: 1 + length]
    return "+"
