"""The counter under every rate limit and SMS budget: a request's windows, checked and counted
together, on Redis in one round trip.

A sign-in start meets up to a dozen fixed windows (``windows``): the per-IP limit, the
per-account limit on new numbers, the number's limit, then every rate of every SMS budget.
``flows.defences`` puts them into one plan, ``Step``s in the order the defences are asked, and
``count`` runs it. A step takes a unit from each of its windows (``Use.TAKE``), only reads them
(``Use.READ``), or takes without ever refusing (``Use.COUNT``). The first step with a full
window refuses: it and the steps after it take nothing, and the steps before it give back what
they took, but for a step that ``keep``s its count (the per-IP request count). So a count only
holds what was let through, and a refused flood neither fills a longer window nor pushes it on.

Where the rate-limit cache (``RATELIMIT_USE_CACHE``) is Django's ``RedisCache``, the plan is one
Lua script (EVALSHA): one round trip, atomic, so counts are exact however many workers race. The
process keeps one Redis client for it, built from that cache's settings (the first ``LOCATION``,
the writer; its ``OPTIONS``), with keys made by the cache's ``make_key`` (so ``KEY_PREFIX``,
``VERSION`` and ``cache.clear()`` apply; unvalidated: ours are short ASCII). Any other cache
(LocMemCache, the database, memcached) runs the plan through Django's public cache API.

The app owns its counter because django-ratelimit's public API (``is_ratelimited``,
``get_usage``, the decorator) counts one rate per call through the cache API: it can count a
dozen windows neither all-or-nothing nor in one round trip. Its settings apply as it documents
them (the rate syntax, ``RATELIMIT_USE_CACHE``, ``RATELIMIT_ENABLE``, ``RATELIMIT_FAIL_OPEN``):
when the cache cannot be reached, the first step that can refuse does ("unavailable", fail
closed) unless ``RATELIMIT_FAIL_OPEN`` is true, and the outage is logged once a minute.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from . import outage
from .windows import Window

try:
    redis: Any = importlib.import_module("redis")
except ImportError:  # pragma: no cover - the optional [redis] extra; only RedisCache needs it
    redis = None

__all__ = ["Outcome", "Step", "Use", "count", "give_back", "rate_cache"]

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
OUTAGE = {
    "ratelimit": "The rate-limit cache is unreachable; the %s limit cannot be counted",
    "budget": "The budget cache is unreachable; the %s SMS budget cannot be counted",
}


class Use(Enum):
    """How a step uses its windows."""

    TAKE = "t"  # take a unit from each; refused when one is full
    READ = "r"  # take nothing; refused when one is full
    COUNT = "c"  # take a unit from each; never refused


@dataclass(frozen=True)
class Step:
    """One defence's windows in a plan: a rate limit's (``scope`` "ip", "phone", ...) or, with
    ``budget``, an SMS budget's (``scope`` "ip" ... "global", counting ``value``)."""

    scope: str
    windows: tuple[Window, ...]
    use: Use = Use.TAKE
    keep: bool = False  # stays counted when a later step refuses
    budget: bool = False
    value: str = ""


@dataclass(frozen=True)
class Outcome:
    """What counting a plan came to: the step that refused, if one did, and its full windows."""

    plan: tuple[Step, ...]
    now: int
    refused: Step | None = None
    full: tuple[Window, ...] = ()
    unavailable: bool = False  # the cache could not be reached: nothing was counted

    @property
    def taken(self) -> list[Window]:
        """What the request took and gives back if a defence after the counter refuses it (its
        kept counts aside); nothing when it was refused or nothing could be counted."""
        if self.refused is not None or self.unavailable:
            return []
        return [w for s in self.plan if s.use is not Use.READ and not s.keep for w in s.windows]


def rate_cache() -> BaseCache:
    """The cache django-ratelimit counts in (``RATELIMIT_USE_CACHE``), shared by all workers."""
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


def count(plan: Sequence[Step | None], now: int) -> Outcome:
    """Check and count every step of ``plan`` in its order (None: a limit that is off)."""
    steps = tuple(step for step in plan if step is not None and step.windows)
    if not steps:
        return Outcome(steps, now)
    try:
        on_redis = _redis()
        if on_redis is not None:
            refused, counts = on_redis.count(steps)
        else:
            refused, counts = _count_in_cache(rate_cache(), steps)
    except Exception:
        return _unavailable(steps, now)
    if refused is None:
        return Outcome(steps, now)
    step = steps[refused]
    full = tuple(w for w, n in zip(step.windows, counts, strict=True) if n > w.limit)
    return Outcome(steps, now, step, full)


def give_back(taken: Sequence[Window]) -> None:
    """Give back one unit to each window: a defence asked after the counter refused."""
    if not taken:
        return
    try:
        on_redis = _redis()
        if on_redis is not None:
            on_redis.give_back(taken)
        else:
            _give_back_in_cache(rate_cache(), taken)
    except Exception:  # the cache went down meanwhile: the counts stay, on the safe side
        outage.report("ratelimit", "The rate-limit cache is unreachable; a count stays")


def _unavailable(steps: tuple[Step, ...], now: int) -> Outcome:
    """Nothing could be counted (call from an ``except`` block): the first step that can refuse
    refuses, unless ``RATELIMIT_FAIL_OPEN``; each kind of defence met logs the outage."""
    fail_open = getattr(settings, "RATELIMIT_FAIL_OPEN", False)
    logged: set[bool] = set()
    for step in steps:
        if step.budget not in logged:
            logged.add(step.budget)
            kind = "budget" if step.budget else "ratelimit"
            outage.report(kind, OUTAGE[kind], step.scope)
        if step.use is not Use.COUNT and not fail_open:
            return Outcome(steps, now, step, unavailable=True)
    return Outcome(steps, now, unavailable=True)


# --- any cache: Django's public cache API ----------------------------------------------------


def _count_in_cache(cache: BaseCache, steps: tuple[Step, ...]) -> tuple[int | None, list[int]]:
    """The plan window by window: the refusing step's index and counts, or (None, [])."""
    taken: list[Window] = []
    for index, step in enumerate(steps):
        if step.use is Use.READ:  # full when one more would be over
            found = cache.get_many([window.key for window in step.windows])
            counts = [int(found.get(window.key) or 0) + 1 for window in step.windows]
        else:
            counts = [_take(cache, window) for window in step.windows]
        if step.use is not Use.COUNT and any(
            n > window.limit for window, n in zip(step.windows, counts, strict=True)
        ):
            mine = step.windows if step.use is Use.TAKE else ()
            _give_back_in_cache(cache, [*taken, *mine])
            return index, counts
        if step.use is not Use.READ and not step.keep:
            taken += step.windows
    return None, []


def _take(cache: BaseCache, window: Window) -> int:
    cache.add(window.key, 0, window.expiry)
    try:
        return cache.incr(window.key)
    except ValueError:  # the count expired between add() and incr()
        cache.add(window.key, 1, window.expiry)
        return 1


def _give_back_in_cache(cache: BaseCache, taken: Sequence[Window]) -> None:
    for window in taken:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
            cache.decr(window.key)


# --- Redis: the whole plan in one script -----------------------------------------------------

#: KEYS: every window's key, step after step. ARGV: for each step its use ("t", "r", "c"),
#: "1" when it keeps its count after a later refusal, its number of windows, then each
#: window's limit and expiry. Returns {0}, or the refusing step's number and its counts.
COUNT_SCRIPT = """
local taken, k, a, step = {}, 1, 1, 0
while a <= #ARGV do
  local use, keep, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local counts, full = {}, false
  a, step = a + 3, step + 1
  for w = 1, n do
    local key = KEYS[k + w - 1]
    if use == "r" then
      counts[w] = (tonumber(redis.call("GET", key)) or 0) + 1
    else
      redis.call("SET", key, 0, "EX", ARGV[a + 1], "NX")
      counts[w] = redis.call("INCR", key)
    end
    full = full or counts[w] > tonumber(ARGV[a])
    a = a + 2
  end
  if full and use ~= "c" then
    if use == "t" then for w = 1, n do redis.call("DECR", KEYS[k + w - 1]) end end
    for _, key in ipairs(taken) do redis.call("DECR", key) end
    return {step, unpack(counts)}
  end
  if use ~= "r" and keep ~= "1" then for w = 1, n do taken[#taken + 1] = KEYS[k + w - 1] end end
  k = k + n
end
return {0}
"""
#: A unit back to each key that still exists (DECR would make an expired count -1).
GIVE_BACK_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call("EXISTS", key) == 1 then redis.call("DECR", key) end end
return #KEYS
"""


class _Redis:
    """The rate cache's Redis server: one client for the process, with both scripts."""

    def __init__(self, cache: BaseCache, config: dict[str, Any]) -> None:
        self.key = cache.make_key
        self.client = _client(config)
        self.count_script = self.client.register_script(COUNT_SCRIPT)
        self.give_back_script = self.client.register_script(GIVE_BACK_SCRIPT)

    def count(self, steps: tuple[Step, ...]) -> tuple[int | None, list[int]]:
        keys: list[str] = []
        args: list[object] = []
        for step in steps:
            args += (step.use.value, "1" if step.keep else "0", len(step.windows))
            for window in step.windows:
                keys.append(self.key(window.key))
                args += (window.limit, window.expiry)
        answer = self.count_script(keys, args)  # EVALSHA; redis-py reloads it on NOSCRIPT
        return (int(answer[0]) - 1 if answer[0] else None), [int(n) for n in answer[1:]]

    def give_back(self, taken: Sequence[Window]) -> None:
        self.give_back_script([self.key(window.key) for window in taken])


def _client(config: dict[str, Any]) -> Any:
    """A client for the cache's first server (its writer), with its pool and parser options."""
    location = config.get("LOCATION") or ""
    servers = re.split("[;,]", location) if isinstance(location, str) else list(location)
    options = dict(config.get("OPTIONS") or {})
    options.pop("serializer", None)  # counts are Redis integers, whatever the cache's serializer
    pool_class = _loaded(options.pop("pool_class", None)) or redis.ConnectionPool
    parser_class = _loaded(options.pop("parser_class", None)) or redis.connection.DefaultParser
    pool = pool_class.from_url(servers[0].strip(), parser_class=parser_class, **options)
    return redis.Redis(connection_pool=pool)


def _loaded(path: Any) -> Any:
    return import_string(path) if isinstance(path, str) else path


_lock = threading.Lock()
_state: dict[str, _Redis | None] = {}  # "redis": the process's client, once looked for


def _redis() -> _Redis | None:
    """The process's Redis counter, built on first use; None when the cache is not Redis."""
    try:
        return _state["redis"]
    except KeyError:
        pass
    with _lock:
        if "redis" not in _state:
            alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
            config = settings.CACHES.get(alias, {})
            is_redis = config.get("BACKEND") == REDIS_CACHE and redis is not None
            _state["redis"] = _Redis(caches[alias], config) if is_redis else None
        return _state["redis"]


@receiver(setting_changed)
def _forget_the_client(*, setting: str, **kwargs: Any) -> None:
    """Settings changed (in tests): the next count looks for the rate cache's server again."""
    if setting in ("CACHES", "RATELIMIT_USE_CACHE"):
        with _lock:
            old = _state.pop("redis", None)
        if old is not None:
            old.client.connection_pool.disconnect()
