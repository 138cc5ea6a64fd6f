"""Rate limits in the rate-limit cache, keyed by hashed phone number and by client address.

Limits are written as comma-separated django-ratelimit rates (``"5/h,10/d"``); every rate in the
list must hold. They are counted in fixed windows (``windows``) by ``counters``, in the cache
django-ratelimit uses (``RATELIMIT_USE_CACHE``; ``RATELIMIT_ENABLE = False`` turns them off). A
refused request takes nothing: the count of a number stays at its limit however many refused
requests follow, and a count taken for a request that a later defence refuses is given back
(``Hit.give_back``). ``step`` is a limit's part of a request's plan, for ``flows.defences`` to
count with the others in one go; ``count`` counts one limit alone. Phone numbers and addresses
are hashed with ``SECRET_KEY`` before they become cache keys, so the cache never holds a list of
the numbers people typed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from . import counters
from .clients import rate_key
from .counters import Outcome, Step
from .refusal import Refusal
from .windows import RATE_RE, Window, keyed_hash, parse_rates, split_rate, windows

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "RATE_RE",
    "Hit",
    "count",
    "hash_phone",
    "hit",
    "parse_rates",
    "refusal",
    "split_rate",
    "step",
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
        counters.give_back(self.taken)


def step(scope: str, rates: str | None, value: str, now: int, *, keep: bool = False) -> Step | None:
    """The limit ``rates`` on ``value`` as a step of a request's plan; None when it is off.

    ``keep``: the count stays when a defence after it refuses (the per-IP request count).
    """
    if not parse_rates(rates) or not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    return Step(scope, tuple(windows(f"rl:{scope}", value, rates, now)), keep=keep)


def refusal(outcome: Outcome) -> Refusal | None:
    """The answer of a limit that refused: the longest wait of its full windows, or a minute
    when its cache is down (``RATELIMIT_FAIL_OPEN`` decided already whether it refuses)."""
    refused = outcome.refused
    if refused is None:
        return None
    if outcome.unavailable:
        return Refusal(refused.scope, retry_after=60)
    return Refusal(
        refused.scope, retry_after=max(window.retry_after(outcome.now) for window in outcome.full)
    )


def count(request: HttpRequest, scope: str, rates: str | None, value: str | None = None) -> Hit:
    """Count one request against every rate in ``rates``, or, when one is over, none of them.

    ``value`` is the thing being limited (a hashed phone number, a challenge id); None means
    the client, by address (``clients.rate_key``). One round trip on Redis.
    """
    now = int(time.time())
    counted = step(scope, rates, rate_key(request) if value is None else value, now)
    outcome = counters.count([counted], now)
    return Hit(refusal(outcome), tuple(outcome.taken))


def hit(
    request: HttpRequest, scope: str, rates: str | None, value: str | None = None
) -> Refusal | None:
    """Count one request against every rate in ``rates``; the longest wait if any is over."""
    return count(request, scope, rates, value).refusal
