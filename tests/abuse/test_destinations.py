"""Where codes may go: number types that cannot receive them, allowed and blocked regions."""

import pytest

from django_webotp import sms
from django_webotp.models import Challenge
from tests.support.signin import start

pytestmark = pytest.mark.django_db
UK_MOBILE = "+447400123456"
PREMIUM = "+449012345678"  # GB premium rate
FR_MOBILE = "+33612345678"
IP = "203.0.113.1"  # one client, unless a test says otherwise


# --- where codes may go -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        (PREMIUM, "cannot receive our codes by SMS"),
        ("+448712345678", "cannot receive our codes by SMS"),  # shared cost
        ("+442071234567", "cannot receive our codes by SMS"),  # fixed line
    ],
)
def test_numbers_that_cannot_receive_a_code_are_refused(client, phone, message):
    response = start(client, phone, ip=IP)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert sms.outbox == []
    assert not Challenge.objects.exists()


def test_number_types_are_configurable(client, settings):
    settings.WEBOTP_ALLOWED_NUMBER_TYPES = ("MOBILE", "FIXED_LINE")
    assert start(client, "+442071234567", ip=IP).status_code == 302
    assert (
        start(client, "+12015550123", ip=IP).status_code == 400
    )  # FIXED_LINE_OR_MOBILE no longer allowed


def test_allowed_regions(client, settings):
    settings.WEBOTP_ALLOWED_REGIONS = ["FR"]
    refused = start(client, UK_MOBILE, ip=IP)
    assert refused.status_code == 400
    assert "cannot send codes to phone numbers in this country" in refused.content.decode()
    assert start(client, FR_MOBILE, ip=IP).status_code == 302
    assert [m.to for m in sms.outbox] == [FR_MOBILE]


def test_blocked_regions(client, settings):
    settings.WEBOTP_BLOCKED_REGIONS = ["GB"]
    assert start(client, UK_MOBILE, ip=IP).status_code == 400
    assert start(client, FR_MOBILE, ip=IP).status_code == 302
