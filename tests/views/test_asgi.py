"""The sign-in pages and the JSON API under ASGI (Django's AsyncClient runs them through the
ASGI handler), and a slow provider that leaves the event loop free meanwhile."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from django_webotp.sms.backends.locmem import SmsBackend as LocmemBackend
from django_webotp.testing import last_code
from tests.sms.test_async import ticks_during

pytestmark = pytest.mark.django_db
PHONE = "+447400123456"


class SlowProvider(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _limits_off(no_rate_limits):
    pass


@async_to_sync
async def html_sign_in():
    client = AsyncClient()
    started = await client.post(reverse("webotp:login"), {"phone_number": PHONE})
    assert started.status_code == 302
    assert started.url == reverse("webotp:verify")
    page = await client.get(reverse("webotp:verify"))
    assert page.status_code == 200
    before = await client.get(reverse("account"))
    verified = await client.post(reverse("webotp:verify"), {"code": last_code(PHONE)})
    after = await client.get(reverse("account"))
    return before, verified, after


def test_a_phone_sign_in_through_the_asgi_handler():
    before, verified, after = html_sign_in()
    assert before.status_code == 302  # not signed in yet: to LOGIN_URL
    assert verified.status_code == 302
    assert after.status_code == 200


@async_to_sync
async def api_sign_in():
    client = AsyncClient()
    started = await client.post(
        reverse("webotp_api:start"), {"phone_number": PHONE}, content_type="application/json"
    )
    verified = await client.post(
        reverse("webotp_api:verify"), {"code": last_code(PHONE)}, content_type="application/json"
    )
    return started, verified


def test_the_json_api_through_the_asgi_handler():
    started, verified = api_sign_in()
    assert started.status_code == 202
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"


def test_a_slow_provider_leaves_the_event_loop_free(settings):
    """The sync view runs in Django's thread for sync code, off the loop: other coroutines (other
    requests' I/O) go on while the provider takes its time."""
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.SlowProvider"

    @async_to_sync
    async def start_while_ticking():
        client = AsyncClient()
        return await ticks_during(client.post(reverse("webotp:login"), {"phone_number": PHONE}))

    ticks, response = start_while_ticking()
    assert response.status_code == 302
    assert ticks >= 10  # about 30 in the provider's 300 ms; a blocked loop gives 0 or 1
