"""Fixed windows: the arithmetic under rate limits and budgets (``counters`` does the counting).

A rate such as ``"30/h"`` is counted in fixed windows (one per hour here, each counted value's
starting at its own moment). Counted values are hashed with ``SECRET_KEY`` before they become
keys, so the cache never holds a phone number, a number prefix or an address in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.encoding import force_bytes

__all__ = [
    "RATE_RE",
    "Window",
    "keyed_hash",
    "parse_rates",
    "split_rate",
    "windows",
]

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^(\d+)/(\d*)([smhd])$")
#: Seconds a window's count outlives its window, so a late give-back finds it.
EXPIRY_MARGIN = 60


def parse_rates(rates: str | None) -> list[str]:
    """``"5/h, 10/d"`` -> ``["5/h", "10/d"]``; empty or None means no limit."""
    return list(_parsed_rates(rates or ""))


@lru_cache(maxsize=256)
def _parsed_rates(rates: str) -> tuple[str, ...]:
    return tuple(rate.strip() for rate in rates.split(",") if rate.strip())


@lru_cache(maxsize=256)
def split_rate(rate: str) -> tuple[int, int]:
    """``"30/10m"`` -> ``(30, 600)``: how many, per how many seconds."""
    match = RATE_RE.match(rate.strip())
    if match is None:
        raise ValueError(f"Not a rate: {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * PERIODS[unit]


def keyed_hash(value: str, salt: str = "django_webotp.throttling") -> str:
    """A hash of ``value`` that only this site (its ``SECRET_KEY``) can compute: Django's
    ``salted_hmac(salt, value, algorithm="sha256")``, with the key it derives from the salt and
    ``SECRET_KEY`` worked out once (a start hashes a dozen values with the same one)."""
    key = _hmac_key(salt, settings.SECRET_KEY)
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=16)
def _hmac_key(salt: str, secret: str | bytes) -> bytes:
    """``salted_hmac``'s key: SHA-256 of the salt followed by the secret."""
    return hashlib.sha256(force_bytes(salt) + force_bytes(secret)).digest()


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

    @property
    def expiry(self) -> int:
        """Seconds its count is kept: the window's period and a margin for late give-backs."""
        return self.period + EXPIRY_MARGIN


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
