"""Test-only app loaded by the proofs' server: tells which worker answered, counts signals.

``X-Worker-Pid`` on every response shows how requests spread over the worker processes. The
verdict signals are counted in Redis (``proof:<challenge id>:<event>``), where the test reads
them: how many guesses each worker judged, and how often a challenge was announced locked.
``RedisOutbox`` is an SMS backend whose outbox all worker processes share, in send order.
"""

import os
import random
import time

import redis
from django.apps import AppConfig

from django_webotp import signals
from django_webotp.sms.backends.base import BaseSmsBackend


class WorkerPidMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.delay = float(os.environ.get("WEBOTP_PROOF_DELAY", "0"))

    def __call__(self, request):
        if self.delay:
            # Keeps each sync worker busy a moment, so that a burst of requests is spread
            # over all workers instead of being drained by whichever accepted first.
            time.sleep(self.delay)
        response = self.get_response(request)
        response["X-Worker-Pid"] = str(os.getpid())
        return response


class RedisOutbox(BaseSmsBackend):
    """Each SMS is appended to the Redis list ``proof:sms:<number>`` once the "provider" took it,
    after a latency of up to twice WEBOTP_PROOF_SMS_DELAY seconds (uneven, as a provider's is):
    the list is the order SMS were sent in."""

    name = "proof"

    def send_messages(self, messages):
        delay = float(os.environ.get("WEBOTP_PROOF_SMS_DELAY", "0"))
        client = redis.Redis.from_url(os.environ["WEBOTP_PROOF_REDIS_URL"])
        for message in messages:
            time.sleep(delay * 2 * random.random())
            client.rpush(f"proof:sms:{message.to}", message.body)
            self._stamp(message, "proof")
        return len(messages)


def _count(event):
    def receiver(challenge=None, reason=None, **kwargs):
        name = event if reason is None else f"{event}:{reason}"
        client = redis.Redis.from_url(os.environ["WEBOTP_PROOF_REDIS_URL"])
        client.incr(f"proof:{challenge.pk}:{name}")

    return receiver


class RecorderConfig(AppConfig):
    name = "tests.concurrency.recorder"
    label = "proof_recorder"

    def ready(self):
        for event, signal in (
            ("rejected", signals.code_rejected),
            ("locked", signals.challenge_locked),
            ("verified", signals.code_verified),
        ):
            signal.connect(_count(event), weak=False, dispatch_uid=f"proof-{event}")
