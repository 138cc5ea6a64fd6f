"""django-webotp's SMS backend for the benchmark: each message goes to the Redis inbox.

BENCH_SMS_DELAY (seconds) makes every send take that long, like a slow provider's API call.
"""

from __future__ import annotations

import os
import time
import uuid

from bench.targets.common import inbox, sms_key
from django_webotp.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    name = "bench"

    def send_messages(self, messages) -> int:
        delay = float(os.environ.get("BENCH_SMS_DELAY", "0"))
        if delay:
            time.sleep(delay)
        for message in messages:
            self._stamp(message, f"bench-{uuid.uuid4().hex}")
            inbox().set(sms_key(message.to), message.body, ex=600)
        return len(messages)
