"""Rate limits in the rate-limit cache, keyed by hashed phone number and by client address.

Limits are written as comma-separated django-ratelimit rates (``"5/h,10/d"``); every rate in the
list must hold. They are counted in fixed windows (``windows``) in the cache django-ratelimit
uses (``RATELIMIT_USE_CACHE``; ``RATELIMIT_ENABLE = False`` turns them off). A refused request
takes nothing: the count of a number stays at its limit however many refused requests follow,
and a count taken for a request that a later defence refuses is given back (``Hit.give_back``).
Phone numbers and addresses are hashed with ``SECRET_KEY`` before they become cache keys, so
the cache never holds a list of the numbers people typed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from . import outage
from .clients import rate_key
from .refusal import Refusal
from .windows import (
    RATE_RE,
    Window,
    give_back,
    keyed_hash,
    parse_rates,
    rate_cache,
    split_rate,
    take,
    windows,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "RATE_RE",
    "Hit",
    "cache_unavailable",
    "count",
    "hash_phone",
    "hit",
    "parse_rates",
    "split_rate",
]


def hash_phone(phone_number: str) -> str:
    return keyed_hash(str(phone_number))


@dataclass(frozen=True)
class Hit:
    """One request counted against a limit: its refusal, if over, and what it took."""

    refusal: Refusal | None = None
    taken: tuple[Window, ...] = field(default=(), repr=False)

    def give_back(self) -> None:
        """Uncount the request: a later defence refused it."""
        try:
            give_back(rate_cache(), self.taken)
        except Exception:  # the cache went down meanwhile: the count stays, on the safe side
            outage.report("ratelimit", "The rate-limit cache is unreachable; a count stays")


def count(request: HttpRequest, scope: str, rates: str | None, value: str | None = None) -> Hit:
    """Count one request against every rate in ``rates``, or, when one is over, none of them.

    ``value`` is the thing being limited (a hashed phone number, a challenge id); None means
    the client, by address (``clients.rate_key``).
    """
    if not parse_rates(rates) or not getattr(settings, "RATELIMIT_ENABLE", True):
        return Hit()
    now = int(time.time())
    cache = rate_cache()
    try:
        counted = rate_key(request) if value is None else value
        looked_at = windows(f"rl:{scope}", counted, rates, now)
        counts = take(cache, looked_at)
        over = [window for window, n in zip(looked_at, counts, strict=True) if n > window.limit]
        if over:
            give_back(cache, looked_at)
    except Exception:  # the cache is down: nothing can be counted
        return Hit(cache_unavailable(scope))
    if over:
        return Hit(Refusal(scope, retry_after=max(window.retry_after(now) for window in over)))
    return Hit(taken=tuple(looked_at))


def hit(
    request: HttpRequest, scope: str, rates: str | None, value: str | None = None
) -> Refusal | None:
    """Count one request against every rate in ``rates``; the longest wait if any is over."""
    return count(request, scope, rates, value).refusal


def cache_unavailable(scope: str) -> Refusal | None:
    """What to do when the rate-limit cache cannot be reached: refuse, unless told otherwise.

    Like django-ratelimit, limits fail closed (a 429 asking to wait a minute, never a 500) so
    that an outage of the cache is not an open door for SMS pumping; ``RATELIMIT_FAIL_OPEN =
    True`` lets requests through instead. The outage is logged once a minute, not per request.
    """
    outage.report(
        "ratelimit", "The rate-limit cache is unreachable; the %s limit cannot be counted", scope
    )
    if getattr(settings, "RATELIMIT_FAIL_OPEN", False):
        return None
    return Refusal(scope, retry_after=60)
