"""One rule for when a new code may be asked for: the code page, the API and the server agree.

Before the flow core, the page counted the cooldown down after a failed send ("available in
29 seconds") while the API said 0 and the server accepted a resend at once.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from django_webotp import sms
from django_webotp.models import Challenge, DeliveryStatus

pytestmark = pytest.mark.django_db

PHONE = "+447400123456"
FAILING = "tests.support.sms_backends.SmsBackend"
LOCMEM = "django_webotp.sms.backends.locmem.SmsBackend"


def page_wait(client) -> int:
    """The seconds the code page says to wait before "Send a new code" (0: it says nothing)."""
    page = client.get(reverse("webotp:verify")).content.decode()
    found = re.search(r"available in (\d+) second", page)
    return int(found.group(1)) if found else 0


def api_wait(client) -> int:
    return client.get(reverse("webotp_api:status")).json()["resend_in"]


def server_wait(client) -> int:
    """0 if the server accepts a resend now, else its Retry-After."""
    response = client.post(reverse("webotp:resend"))
    return int(response["Retry-After"]) if response.status_code == 429 else 0


@pytest.fixture
def sign_in_started(client, monkeypatch):
    """Ask for a code, then move the clock ``seconds_ago`` on and hold it there: the page, the
    API and the server then read the same moment, however long the test itself takes."""

    def started(seconds_ago: float = 0) -> Challenge:
        clock = [timezone.now()]
        monkeypatch.setattr(timezone, "now", lambda: clock[0])
        client.post(reverse("webotp:login"), {"phone_number": PHONE})
        clock[0] += timedelta(seconds=seconds_ago)
        return Challenge.objects.get()

    return started


@pytest.mark.parametrize("seconds_ago", [0, 0.5, 12.3, 29.9])
def test_during_the_cooldown_page_api_and_server_give_the_same_wait(
    client, sign_in_started, seconds_ago
):
    sign_in_started(seconds_ago)
    waits = {page_wait(client), api_wait(client)}
    assert len(waits) == 1
    (wait,) = waits
    assert wait >= 1
    assert server_wait(client) == wait  # the same moment: the clock is held


def test_after_the_cooldown_all_three_say_now(client, sign_in_started):
    sign_in_started(seconds_ago=31)
    assert (page_wait(client), api_wait(client)) == (0, 0)
    assert server_wait(client) == 0
    assert len(sms.outbox) == 2


def test_after_a_failed_send_all_three_say_now(client, settings, sign_in_started):
    sign_in_started(seconds_ago=31)
    settings.WEBOTP_SMS_BACKEND = FAILING
    assert client.post(reverse("webotp:resend")).status_code == 424
    assert Challenge.objects.filter(delivery_status=DeliveryStatus.FAILED).count() == 1
    assert (page_wait(client), api_wait(client)) == (0, 0)
    settings.WEBOTP_SMS_BACKEND = LOCMEM
    assert server_wait(client) == 0
    assert len(sms.outbox) == 2  # the first code, and the one sent in place of the failed one
