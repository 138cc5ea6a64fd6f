"""What every target's project shares: the signed-in page and the SMS inbox in Redis.

Only Django and redis: every target's virtualenv imports it. The benchmark's clients read each
SMS from Redis (DB 13), where each project's SMS backend or adapter puts it with ``deliver``.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.html import escape

__all__ = ["account", "deliver", "inbox", "sms_key"]

_client: redis.Redis | None = None


def inbox() -> redis.Redis:
    """One connection pool per process, made after gunicorn forks."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.BENCH_REDIS_URL)
    return _client


def sms_key(phone: str) -> str:
    return f"bench:sms:{phone}"


def deliver(phone: str, code: str) -> None:
    """The SMS a peer sends, in the origin-bound format the clients read codes from."""
    inbox().set(sms_key(phone), f"{code} is your code.\n\n@127.0.0.1 #{code}", ex=600)


def account(request: HttpRequest) -> HttpResponse:
    """The signed-in page of every target: the same work after each sign-in."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    return HttpResponse(f"<!doctype html><title>Account</title><p>{escape(request.user)}</p>")
