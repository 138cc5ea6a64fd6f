"""Fixed test numbers (WEBOTP_TEST_NUMBERS): no SMS, a fixed code, the same defences."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from django_webotp import sms
from django_webotp.checks import check_settings
from django_webotp.models import Challenge, DeliveryStatus, Verdict
from tests.support import signin

pytestmark = pytest.mark.django_db

TEST_NUMBER = "+15555550100"  # fictional: libphonenumber does not call it valid
TEST_CODE = "123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")


@pytest.fixture(autouse=True)
def test_numbers(settings):
    settings.WEBOTP_TEST_NUMBERS = {TEST_NUMBER: TEST_CODE, "+15555550101": "98765432"}


def start(client, phone=TEST_NUMBER):
    return signin.start(client, phone)


def test_a_test_number_gets_no_sms_and_its_fixed_code_signs_in(client):
    assert start(client)["Location"] == VERIFY
    assert sms.outbox == []
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.SUPPRESSED

    response = client.post(VERIFY, {"code": TEST_CODE})

    assert response.status_code == 302
    assert client.session[SESSION_KEY]
    challenge.refresh_from_db()
    assert challenge.consumed_at is not None


def test_the_code_page_asks_for_as_many_digits_as_the_fixed_code_has(client):
    start(client, "+15555550101")
    assert Challenge.objects.get().code_length == 8
    assert 'maxlength="8"' in client.get(VERIFY).content.decode()
    assert client.post(VERIFY, {"code": "98765432"}).status_code == 302


def test_a_fictional_number_is_refused_unless_it_is_a_test_number(client, settings):
    settings.WEBOTP_TEST_NUMBERS = {}
    response = start(client)
    assert response.status_code == 400
    assert "Enter a valid phone number" in response.content.decode()


def test_the_derived_code_does_not_work_for_a_test_number(client):
    start(client)
    challenge = Challenge.objects.get()
    derived = challenge.make_code()
    if derived == TEST_CODE:  # pragma: no cover - one chance in a million
        pytest.skip("the derived code happens to be the fixed code")
    response = client.post(VERIFY, {"code": derived})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()


def test_the_fixed_code_works_once_per_challenge(client):
    start(client)
    challenge = Challenge.objects.get()
    assert challenge.verify(TEST_CODE, fixed_code=TEST_CODE) is Verdict.VERIFIED
    assert challenge.verify(TEST_CODE, fixed_code=TEST_CODE) is Verdict.USED


def test_wrong_codes_still_lock_a_test_number(client, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 2
    start(client)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": TEST_CODE})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_fixed_code_expires_like_any_code(client):
    start(client)
    Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(VERIFY, {"code": TEST_CODE})
    assert "This code has expired" in response.content.decode()


def test_rate_limits_still_apply_to_a_test_number(client, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "2/h"
    assert start(client).status_code == 302
    assert start(client).status_code == 302
    assert start(client).status_code == 429


def test_real_numbers_are_untouched(client):
    start(client, "+447911123456")
    assert len(sms.outbox) == 1


def test_every_use_is_logged(client, caplog):
    caplog.set_level(logging.WARNING, logger="django_webotp")
    start(client)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": TEST_CODE})
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "django_webotp"]
    prefix = f"WEBOTP_TEST_NUMBERS: test number {TEST_NUMBER}:"
    assert logged == [
        ("WARNING", f"{prefix} code requested, no SMS sent."),
        ("WARNING", f"{prefix} code submitted, wrong."),
        ("WARNING", f"{prefix} code submitted, verified."),
    ]


# --- system checks -------------------------------------------------------------------------


def errors(**settings):
    with override_settings(**settings):
        return sorted(
            (e.id, e.msg) for e in check_settings() if e.id in {"webotp.E008", "webotp.E009"}
        )


def test_test_numbers_are_fine_while_debug_is_on():
    assert errors(DEBUG=True) == []


def test_test_numbers_are_refused_in_production():
    assert errors(DEBUG=False) == [
        ("webotp.E008", "WEBOTP_TEST_NUMBERS is set while DEBUG is False.")
    ]


def test_production_use_can_be_acknowledged():
    assert errors(DEBUG=False, WEBOTP_TEST_NUMBERS_IN_PRODUCTION=True) == []


def test_no_test_numbers_no_error():
    assert errors(DEBUG=False, WEBOTP_TEST_NUMBERS={}) == []


@pytest.mark.parametrize(
    ("numbers", "problem"),
    [
        (["+15555550100"], "['+15555550100'] is not a dict"),
        ({"+1 555 555 0100": "123456"}, "'+1 555 555 0100' is not an E.164 number"),
        ({"07911123456": "123456"}, "'07911123456' is not an E.164 number"),
        ({"+15555550100": 123456}, "the code of +15555550100 must be a string of 4 to 10 digits"),
        ({"+15555550100": "12a456"}, "the code of +15555550100 must be a string of 4 to 10 digits"),
        ({"+15555550100": "123"}, "the code of +15555550100 must be a string of 4 to 10 digits"),
    ],
)
def test_malformed_test_numbers_are_an_error(numbers, problem):
    found = errors(DEBUG=True, WEBOTP_TEST_NUMBERS=numbers)
    assert [error_id for error_id, _ in found] == ["webotp.E009"]
    assert problem in found[0][1]


def test_a_malformed_setting_makes_no_number_a_test_number(client, settings):
    settings.WEBOTP_TEST_NUMBERS = [TEST_NUMBER]
    assert start(client).status_code == 400


def test_destination_rules_do_not_refuse_a_test_number(client, settings):
    # +1 555 numbers have no number type and no region, and no SMS is ever sent to them.
    settings.WEBOTP_ALLOWED_REGIONS = ["GB"]
    assert start(client).status_code == 302
    assert start(client, "+12015550123").status_code == 400  # a real US number still is refused


def test_a_test_number_spends_no_sms_budget(client, settings):
    settings.WEBOTP_SMS_BUDGETS = {"global": "1/h"}
    assert start(client).status_code == 302
    assert start(client).status_code == 302
    assert start(client, "+447911123456").status_code == 302  # the budget is still whole
    assert len(sms.outbox) == 1
