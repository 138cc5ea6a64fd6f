"""Fixed-window counts in the rate-limit cache: the arithmetic under rate limits and budgets.

A rate such as ``"30/h"`` is counted in fixed windows (one per hour here, each counted value's
starting at its own minute). Taking a unit takes
it from every window of the rates given, and a refused request gives back what it took, so a
count only ever holds what was let through: a flood that is refused neither moves a count nor
pushes its window further. Counted values are hashed with ``SECRET_KEY`` before they become
keys, so the cache never holds a phone number, a number prefix or an address in clear.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.crypto import salted_hmac

__all__ = [
    "RATE_RE",
    "Window",
    "counts",
    "give_back",
    "keyed_hash",
    "parse_rates",
    "rate_cache",
    "split_rate",
    "take",
    "windows",
]

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^(\d+)/(\d*)([smhd])$")
#: Seconds a window's count outlives its window, so a late give-back finds it.
EXPIRY_MARGIN = 60


def parse_rates(rates: str | None) -> list[str]:
    """``"5/h, 10/d"`` -> ``["5/h", "10/d"]``; empty or None means no limit."""
    return [rate.strip() for rate in (rates or "").split(",") if rate.strip()]


def split_rate(rate: str) -> tuple[int, int]:
    """``"30/10m"`` -> ``(30, 600)``: how many, per how many seconds."""
    match = RATE_RE.match(rate.strip())
    if match is None:
        raise ValueError(f"Not a rate: {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * PERIODS[unit]


def keyed_hash(value: str, salt: str = "django_webotp.throttling") -> str:
    """A hash of ``value`` that only this site (its ``SECRET_KEY``) can compute."""
    return salted_hmac(salt, str(value), algorithm="sha256").hexdigest()


def rate_cache() -> BaseCache:
    """The cache django-ratelimit counts in (``RATELIMIT_USE_CACHE``), shared by all workers."""
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


@dataclass(frozen=True)
class Window:
    """One rate's current window for one value: its cache key, its limit and when it ends."""

    key: str
    limit: int
    period: int
    ends: int
    rate: str

    def retry_after(self, now: int) -> int:
        return max(self.ends - now, 1)


def windows(name: str, value: str, rates: str | None, now: int) -> list[Window]:
    """The current window of each rate in ``rates`` for ``value`` counted under ``name``."""
    digest = keyed_hash(value)[:32]
    found = []
    for rate in parse_rates(rates):
        limit, period = split_rate(rate)
        # Each value's windows start at their own moment, so that not every count on the site
        # starts again at once (on the hour, at midnight), as django-ratelimit staggers them.
        offset = int(digest[:8], 16) % period
        number = (now + offset) // period
        key = f"webotp:{name}:{digest}:{limit}/{period}:{number}"
        found.append(Window(key, limit, period, (number + 1) * period - offset, rate))
    return found


def take(cache: BaseCache, taken: Sequence[Window]) -> list[int]:
    """Add one to every window; the counts after it, in order."""
    if not taken:
        return []
    if isinstance(cache, RedisCache):
        return _take_on_redis(cache, taken)
    return [_take_one(cache, window) for window in taken]


def _take_one(cache: BaseCache, window: Window) -> int:
    cache.add(window.key, 0, window.period + EXPIRY_MARGIN)
    try:
        return cache.incr(window.key)
    except ValueError:  # the count expired between add() and incr()
        cache.add(window.key, 1, window.period + EXPIRY_MARGIN)
        return 1


def _take_on_redis(cache: RedisCache, taken: Sequence[Window]) -> list[int]:
    """Every window in one round trip (SET NX + INCR each), where ``add`` and ``incr`` would
    cost three per window on Django's RedisCache."""
    keys = [cache.make_and_validate_key(window.key) for window in taken]
    client: Any = cache._cache.get_client(keys[0], write=True)
    pipeline = client.pipeline(transaction=False)
    for key, window in zip(keys, taken, strict=True):
        pipeline.set(key, 0, ex=window.period + EXPIRY_MARGIN, nx=True)
        pipeline.incr(key)
    return [int(count) for count in pipeline.execute()[1::2]]


def counts(cache: BaseCache, looked_at: Sequence[Window]) -> list[int]:
    """The windows' counts, taking nothing."""
    if not looked_at:
        return []
    found = cache.get_many([window.key for window in looked_at])
    return [int(found.get(window.key) or 0) for window in looked_at]


def give_back(cache: BaseCache, taken: Sequence[Window]) -> None:
    """Give back one unit to each window (a later defence refused what was counted)."""
    for window in taken:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
            cache.decr(window.key)
