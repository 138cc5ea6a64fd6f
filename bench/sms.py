"""An SMS backend for the benchmark: each message goes to Redis, where the load generator reads it.

BENCH_SMS_DELAY (seconds) makes every send take that long, like a slow provider's API call.
"""

from __future__ import annotations

import os
import time
import uuid

import redis
from django.conf import settings

from django_webotp.sms.backends.base import BaseSmsBackend

_client: redis.Redis | None = None


def inbox() -> redis.Redis:
    """One connection pool per process, made after gunicorn forks."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.BENCH_REDIS_URL)
    return _client


def key(phone: str) -> str:
    return f"bench:sms:{phone}"


class SmsBackend(BaseSmsBackend):
    name = "bench"

    def send_messages(self, messages) -> int:
        delay = float(os.environ.get("BENCH_SMS_DELAY", "0"))
        if delay:
            time.sleep(delay)
        for message in messages:
            self._stamp(message, f"bench-{uuid.uuid4().hex}")
            inbox().set(key(message.to), message.body, ex=600)
        return len(messages)
