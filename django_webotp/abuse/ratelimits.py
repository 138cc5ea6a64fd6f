"""Rate limits on django-ratelimit's cache, keyed by hashed phone number and by client IP.

Limits are written as comma-separated django-ratelimit rates (``"5/h,10/d"``); every rate in the
list must hold. Phone numbers are hashed with ``SECRET_KEY`` before they become cache keys, so the
cache never holds a list of the numbers people typed.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_ratelimit import ALL
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    _get_ip,
    _get_window,
    _make_cache_key,
    _split_rate,
    get_usage,
)

from .refusal import Refusal

__all__ = ["cache_unavailable", "hash_phone", "hit", "parse_rates", "split_rate"]

logger = logging.getLogger("django_webotp")


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


def hit(
    request: HttpRequest, scope: str, rates: str | None, value: str | None = None
) -> Refusal | None:
    """Count one request against every rate in ``rates``; the longest wait if any is over.

    ``value`` is the thing being limited (a hashed phone number, a challenge id); None means the
    client IP, as django-ratelimit resolves it (``RATELIMIT_IP_META_KEY``, IPv6 masking).
    """
    rates_list = parse_rates(rates)
    if not rates_list:
        return None
    group = f"webotp.{scope}"
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        if isinstance(cache, RedisCache) and getattr(settings, "RATELIMIT_ENABLE", True):
            usages = _redis_usages(cache, request, group, rates_list, value)
        else:
            key = "ip" if value is None else (lambda group, request: value)
            usages = [
                get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=True)
                for rate in rates_list
            ]
    except Exception:  # the cache is down: nothing can be counted
        return cache_unavailable(scope)
    waits = [max(int(usage["time_left"]), 1) for usage in usages if usage and usage["should_limit"]]
    return Refusal(scope, retry_after=max(waits)) if waits else None


def cache_unavailable(scope: str) -> Refusal | None:
    """What to do when the rate-limit cache cannot be reached: refuse, unless told otherwise.

    Like django-ratelimit, limits fail closed (a 429 asking to wait a minute, never a 500) so
    that an outage of the cache is not an open door for SMS pumping; ``RATELIMIT_FAIL_OPEN =
    True`` lets requests through instead.
    """
    logger.exception("The rate-limit cache is unreachable; the %s limit cannot be counted", scope)
    if getattr(settings, "RATELIMIT_FAIL_OPEN", False):
        return None
    return Refusal(scope, retry_after=60)


def _redis_usages(cache: RedisCache, request, group, rates, value) -> list[dict]:
    """django-ratelimit's counting, every rate in one round trip to Redis.

    ``get_usage`` costs up to three round trips per rate on Django's RedisCache (SET NX, then
    EXISTS and INCR); a pipeline of SET NX + INCR per rate does the same in one. The keys,
    windows and IP resolution are django-ratelimit's own, so both paths count alike.
    """
    value = _get_ip(request) if value is None else value
    plan = []
    for rate in rates:
        limit, period = _split_rate(rate)
        window = _get_window(value, period)
        key = cache.make_and_validate_key(_make_cache_key(group, window, rate, value, ALL))
        plan.append((key, limit, period, window))
    client = cache._cache.get_client(plan[0][0], write=True)
    pipeline = client.pipeline(transaction=False)
    for key, _, period, _ in plan:
        pipeline.set(key, 0, ex=period + EXPIRATION_FUDGE, nx=True)
        pipeline.incr(key)
    counts = pipeline.execute()[1::2]
    now = int(time.time())
    return [
        {"count": count, "limit": limit, "should_limit": count > limit, "time_left": window - now}
        for count, (_, limit, _, window) in zip(counts, plan, strict=True)
    ]
