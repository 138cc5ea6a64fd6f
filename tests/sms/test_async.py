"""``asend_sms`` and ``BaseSmsBackend.asend_messages``: async code sends without blocking its
event loop, whatever the provider's SDK does."""

from __future__ import annotations

import asyncio
import time

import pytest

from django_webotp import sms
from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms.backends.locmem import SmsBackend as LocmemBackend

LATENCY = 0.3


class SlowProvider(LocmemBackend):
    """A provider whose (synchronous) SDK takes 300 ms to take a message."""

    def send_messages(self, messages):
        time.sleep(LATENCY)
        return super().send_messages(messages)


class DownProvider(LocmemBackend):
    def send_messages(self, messages):
        raise SmsDeliveryError("provider down", backend="down", reason="timeout")


async def ticks_during(work) -> tuple[int, object]:
    """How often a 10 ms ticker ran on the event loop while ``work`` was awaited."""
    ticks = 0
    done = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.ensure_future(ticker())
    try:
        result = await work
    finally:
        done.set()
        await running
    return ticks, result


def test_asend_sms_sends_through_the_configured_backend(settings):
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.locmem.SmsBackend"
    message = asyncio.run(sms.asend_sms("+447400123456", "123456 is your code"))
    assert sms.outbox == [message]
    assert message.backend == "locmem"


def test_a_slow_provider_does_not_block_the_event_loop(settings):
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.SlowProvider"
    ticks, message = asyncio.run(ticks_during(sms.asend_sms("+447400123456", "body")))
    assert sms.outbox == [message]
    # Blocked, the ticker would run once at most; free, about 30 times in 300 ms.
    assert ticks >= 10


def test_the_blocking_way_would_stall_it(settings):
    """What the test above guards against: the same provider called on the loop's thread."""
    connection = SlowProvider()

    async def blocking():
        return connection.send_messages([sms.SmsMessage(to="+447400123456", body="body")])

    ticks, _sent = asyncio.run(ticks_during(blocking()))
    assert ticks <= 1


def test_provider_errors_reach_the_caller(settings):
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.DownProvider"
    with pytest.raises(SmsDeliveryError, match="provider down"):
        asyncio.run(sms.asend_sms("+447400123456", "body"))
