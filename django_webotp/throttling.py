"""Rate limits on django-ratelimit's cache, keyed by hashed phone number and by client IP.

Limits are written as comma-separated django-ratelimit rates (``"5/h,10/d"``); every rate in the
list must hold. Phone numbers are hashed with ``SECRET_KEY`` before they become cache keys, so the
cache never holds a list of the numbers people typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

__all__ = ["Throttle", "hash_phone", "hit", "parse_rates", "split_rate"]


@dataclass(frozen=True)
class Throttle:
    """The outcome of a rate-limit check: whether to refuse, and for how many seconds."""

    limited: bool
    retry_after: int = 0
    scope: str = ""


ALLOWED = Throttle(limited=False)


def hash_phone(phone_number: str) -> str:
    return salted_hmac(
        "django_webotp.throttling", str(phone_number), algorithm="sha256"
    ).hexdigest()


def parse_rates(rates: str | None) -> list[str]:
    """``"5/h, 10/d"`` -> ``["5/h", "10/d"]``; empty or None means no limit."""
    return [rate.strip() for rate in (rates or "").split(",") if rate.strip()]


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def split_rate(rate: str) -> tuple[int, int]:
    """``"30/10m"`` -> ``(30, 600)``: how many, per how many seconds."""
    match = RATE_RE.match(rate.strip())
    if match is None:
        raise ValueError(f"Not a rate: {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * PERIODS[unit]


def hit(request: HttpRequest, scope: str, rates: str | None, value: str | None = None) -> Throttle:
    """Count one request against every rate in ``rates``; report the longest wait if any is over.

    ``value`` is the thing being limited (a hashed phone number, a challenge id); None means the
    client IP, as django-ratelimit resolves it (``RATELIMIT_IP_META_KEY``, IPv6 masking).
    """
    key = "ip" if value is None else (lambda group, request: value)
    worst = ALLOWED
    for rate in parse_rates(rates):
        usage = get_usage(
            request, group=f"webotp.{scope}", key=key, rate=rate, method=ALL, increment=True
        )
        if usage and usage["should_limit"]:
            wait = max(int(usage["time_left"]), 1)
            if wait > worst.retry_after:
                worst = Throttle(limited=True, retry_after=wait, scope=scope)
    return worst
