"""One deadline bounds a whole send in the request, every failover member together.

A provider that hangs, or a backend with no timeout of its own, ends as a failed send recorded
with reason "timeout" and the ordinary "could not send" page, not a request held until the web
server kills its worker (a 500 with no record). Failover tries no member once the deadline is
spent, and gives each the time that is left.
"""

import threading
import time

import pytest

from django_webotp import sms
from django_webotp.exceptions import SmsDeliveryError
from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.sms.backends.base import BaseSmsBackend
from tests.support.signin import start

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"
FAILOVER = "django_webotp.sms.backends.failover.SmsBackend"
DEADLINE = 0.3


class Hanging(BaseSmsBackend):
    """A provider that answers after 2 s, with no timeout of its own; counts its calls."""

    name = "hanging"
    calls: list = []
    release = threading.Event()

    def send_messages(self, messages):
        Hanging.calls.append((self.name, self.deadline))
        Hanging.release.wait(timeout=2)
        raise SmsDeliveryError("too late", backend=self.name, reason="timeout")


class Slow(Hanging):
    """Takes 0.2 s, then fails: two of them spend a 0.3 s deadline."""

    name = "slow"

    def send_messages(self, messages):
        Hanging.calls.append((self.name, self.remaining()))
        time.sleep(0.2)
        raise SmsDeliveryError("refused", backend=self.name, reason="error")


@pytest.fixture(autouse=True)
def _calls(settings):
    settings.WEBOTP_SEND_DEADLINE = DEADLINE
    Hanging.calls = []
    Hanging.release.clear()
    yield
    Hanging.release.set()  # let a thread still waiting go


def test_a_backend_that_hangs_is_a_failed_send_recorded_as_a_timeout(client, settings):
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.Hanging"
    started = time.monotonic()
    response = start(client, PHONE)
    assert time.monotonic() - started < 1.5  # generous: the provider would have taken 2 s
    assert response.status_code == 424
    assert "We could not send the code just now" in response.content.decode()
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error.startswith("timeout:")
    assert not Challenge.objects.open().exists()  # its code can never work, even if it arrives


def test_failover_stops_trying_members_once_the_deadline_is_spent(client, settings):
    settings.WEBOTP_SMS_BACKEND = FAILOVER
    slow = f"{__name__}.Slow"
    settings.WEBOTP_FAILOVER_BACKENDS = [
        slow,
        slow,
        slow,
        "django_webotp.sms.backends.locmem.SmsBackend",
    ]
    response = start(client, PHONE)
    assert response.status_code == 424
    Hanging.release.wait(timeout=0.5)  # the helper thread finishes its current member
    assert [name for name, _ in Hanging.calls] == ["slow", "slow"]  # not the third, nor locmem
    first, second = (left for _, left in Hanging.calls)
    assert 0 < second < first <= DEADLINE  # each member was given what was left
    assert sms.outbox == []
    assert Challenge.objects.get().delivery_error.startswith("timeout:")


def test_a_backend_within_the_deadline_is_unaffected(client, settings):
    settings.WEBOTP_SMS_BACKEND = FAILOVER
    settings.WEBOTP_FAILOVER_BACKENDS = [
        f"{__name__}.Slow",
        "django_webotp.sms.backends.locmem.SmsBackend",
    ]
    assert start(client, PHONE).status_code == 302
    assert Challenge.objects.get().delivery_status == DeliveryStatus.SENT
    assert len(sms.outbox) == 1
