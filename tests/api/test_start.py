"""POST start/: validate the number, apply every defence, send the code, remember the challenge."""

import pytest

from django_webotp import sms
from django_webotp.models import Challenge, DeliveryStatus, PhoneIdentity
from django_webotp.testing import last_code
from tests.support.api import PHONE
from tests.support.signin import pending_state
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


def test_start_sends_a_code_and_answers_202(api):
    response = api.start()
    assert response.status_code == 202
    assert response.json() == {
        "status": "sent",
        "phone_number": PHONE,
        "expires_in": 300,
        "resend_in": 30,
        "code_length": 6,
    }
    assert [message.to for message in sms.outbox] == [PHONE]
    assert last_code(PHONE)
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert pending_state(api.client)["challenge"] == str(challenge.pk)


def test_form_fields_work_as_well_as_json(api):
    response = api.call("start", {"phone_number": "07400 123456"}, form=True)
    assert response.status_code == 202
    assert response.json()["phone_number"] == PHONE  # national format, default region GB


def test_settings_shape_the_answer(api, settings):
    settings.WEBOTP_CODE_LENGTH = 8
    settings.WEBOTP_CODE_TTL = 600
    settings.WEBOTP_RESEND_COOLDOWN = 45
    body = api.start().json()
    assert (body["code_length"], body["expires_in"], body["resend_in"]) == (8, 600, 45)
    assert len(last_code(PHONE)) == 8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter your phone number."),
        ({"phone_number": ""}, "Enter your phone number."),
        ({"phone_number": "abc"}, "Enter a valid phone number"),
        ({"phone_number": "+1"}, "Enter a valid phone number"),
        ({"phone_number": "x" * 100}, "at most 32 characters"),
        ({"phone_number": "+44 7400\x00123456"}, "Null characters are not allowed."),
    ],
)
def test_an_invalid_number_is_400_invalid_phone_and_sends_nothing(api, data, message):
    response = api.call("start", data)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_phone"
    assert body["field"] == "phone_number"
    assert message in body["message"]
    assert sms.outbox == []
    assert not Challenge.objects.exists()


def test_a_region_outside_the_allowed_ones_is_region_not_allowed(api, settings):
    settings.WEBOTP_ALLOWED_REGIONS = ["FR"]
    response = api.start()
    assert response.status_code == 400
    assert response.json()["error"] == "region_not_allowed"
    assert response.json()["message"] == (
        "Sorry, we cannot send codes to phone numbers in this country."
    )
    assert sms.outbox == []


def test_a_landline_is_number_type_not_allowed(api):
    response = api.start("+442071234567")
    assert response.status_code == 400
    assert response.json()["error"] == "number_type_not_allowed"
    assert sms.outbox == []


def needs_ticket(request, phone_number):
    """A bot check that reads its token from the form data, as Turnstile's does."""
    return request.POST.get("ticket") == "human" or "Show your ticket."


def test_the_bot_check_reads_its_token_from_a_json_body(api, settings):
    settings.WEBOTP_BOT_CHECK = "tests.api.test_start.needs_ticket"
    refused = api.start()
    assert refused.status_code == 400
    assert refused.json() == {"error": "bot_check_failed", "message": "Show your ticket."}
    assert sms.outbox == []
    assert api.start(ticket="human").status_code == 202
    assert len(sms.outbox) == 1


def test_the_bot_check_reads_its_token_from_form_fields(api, settings):
    settings.WEBOTP_BOT_CHECK = "tests.api.test_start.needs_ticket"
    response = api.call("start", {"phone_number": PHONE, "ticket": "human"}, form=True)
    assert response.status_code == 202


def test_the_ip_rate_limit_is_429_with_retry_after(api, settings):
    settings.WEBOTP_RATELIMIT_IP = "1/h"
    assert api.start().status_code == 202
    response = api.start()
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "rate_limited"
    assert 0 < body["retry_after"] <= 3600
    assert response["Retry-After"] == str(body["retry_after"])
    assert body["message"].startswith("Please wait ")
    assert len(sms.outbox) == 1


def test_the_phone_rate_limit_applies_across_browsers(api, other_api, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    assert api.start().status_code == 202
    assert other_api.start().status_code == 429


def test_an_sms_budget_is_rate_limited_too(api, settings):
    settings.WEBOTP_SMS_BUDGETS = {"number": "1/h"}
    assert api.start().status_code == 202
    response = api.start()
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert "budget" not in response.content.decode()  # which limit refused stays private


def test_a_provider_failure_is_424_and_leaves_no_challenge_to_verify(api, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    response = api.start()
    assert response.status_code == 424
    assert response.json()["error"] == "delivery_failed"
    assert Challenge.objects.get().delivery_status == DeliveryStatus.FAILED
    assert api.status().json()["error"] == "no_challenge"


def test_an_unknown_number_looks_the_same_while_signup_is_off(api, other_api, settings):
    settings.WEBOTP_SIGNUP = False
    user = make_user("known")
    PhoneIdentity.objects.create(user=user, phone_number="+447400123457", can_sign_in=True)
    unknown, known = api.start(), other_api.start("+447400123457")
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() | {"phone_number": ""} == known.json() | {"phone_number": ""}
    assert [message.to for message in sms.outbox] == ["+447400123457"]
    assert api.status().json()["delivery"] == other_api.status().json()["delivery"] == "sent"


def test_a_new_start_replaces_the_previous_challenge(api):
    api.start()
    first = Challenge.objects.get()
    api.start()
    first.refresh_from_db()
    assert first.invalidated_at is not None
    assert pending_state(api.client)["challenge"] != str(first.pk)
