"""Caps on SMS sent per number, number prefix, country and in total: the SMS-pumping brake.

Rate limits (``throttling``) bound what one client can ask for; budgets bound what the site
spends, whoever asks. Each scope has a list of rates (``"30/h,100/d"``) counted in fixed windows
in the rate-limit cache, which must be shared between processes in production. A send takes one
unit from every window of every scope, or from none: when one window is full the units already
taken are given back, so the counts stay exact under concurrency.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.cache import caches
from phonenumber_field.phonenumber import PhoneNumber

from ..conf import webotp_settings
from .ratelimits import hash_phone, parse_rates, split_rate
from .refusal import Refusal

__all__ = ["BudgetExceeded", "SCOPES", "scope_values", "spend"]

logger = logging.getLogger("django_webotp")

SCOPES = ("number", "prefix", "country", "global")


@dataclass(frozen=True, kw_only=True)
class BudgetExceeded(Refusal):
    """A spent budget: its ``scope``, the ``value`` it counts (hashed for a number) and ``rate``."""

    scope: str
    value: str
    rate: str


def _exceeded(scope: str, value: str, rate: str, retry_after: int) -> BudgetExceeded:
    return BudgetExceeded(
        reason=f"budget:{scope}", retry_after=retry_after, scope=scope, value=value, rate=rate
    )


def _cache():
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


def scope_values(phone_number: str) -> dict[str, str]:
    """The key of each scope for this number: hashed number, +CC and leading digits, region."""
    number = PhoneNumber.from_string(phone_number)
    national = phonenumbers.national_significant_number(number)
    digits = webotp_settings.BUDGET_PREFIX_DIGITS
    return {
        "number": hash_phone(phone_number),
        "prefix": f"+{number.country_code}{national[:digits]}",
        "country": phonenumbers.region_code_for_number(number) or f"+{number.country_code}",
        "global": "all",
    }


def _take(cache, key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(key, 1, ttl)
        return 1


def spend(phone_number: str) -> BudgetExceeded | None:
    """Take one SMS from every budget for this number, or report the first one that is spent.

    When the cache cannot be reached nothing can be counted, so, like the rate limits, budgets
    fail closed (scope "unavailable", a minute's wait) unless ``RATELIMIT_FAIL_OPEN`` is true.
    """
    try:
        return _spend(phone_number)
    except Exception:
        logger.exception("The budget cache is unreachable; SMS budgets cannot be counted")
        if getattr(settings, "RATELIMIT_FAIL_OPEN", False):
            return None
        return _exceeded("unavailable", "", "", 60)


def _spend(phone_number: str) -> BudgetExceeded | None:
    cache = _cache()
    budgets = webotp_settings.SMS_BUDGETS or {}
    now = int(time.time())
    taken: list[str] = []
    for scope, value in scope_values(phone_number).items():
        for rate in parse_rates(budgets.get(scope)):
            limit, period = split_rate(rate)
            window = now // period
            key = f"webotp:budget:{scope}:{value}:{limit}/{period}:{window}"
            if _take(cache, key, period + 60) > limit:
                for spent in [key, *taken]:
                    with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
                        cache.decr(spent)
                retry_after = (window + 1) * period - now
                logger.warning(
                    "SMS budget exceeded: %s %s (%s); no codes sent there for %ss",
                    scope,
                    value if scope != "number" else "(hashed)",
                    rate,
                    retry_after,
                )
                return _exceeded(scope, value, rate, retry_after)
            taken.append(key)
    return None
