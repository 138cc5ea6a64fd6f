"""GET status/: where this session's sign-in stands, revealing nothing about the account."""

from datetime import timedelta

import pytest
from django.utils import timezone

from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.receipts.apply import Receipt, record
from django_webotp.testing import last_code
from tests.support.api import PHONE
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


def test_without_a_challenge_it_is_no_challenge_and_sets_the_csrf_cookie(api):
    response = api.status()
    assert response.status_code == 400
    assert response.json()["error"] == "no_challenge"
    assert response.cookies["csrftoken"].value
    assert "no-cache" in response["Cache-Control"]


def test_a_fresh_challenge_is_pending(api):
    api.start()
    assert api.status().json() == {
        "state": "pending",
        "phone_number": PHONE,
        "expires_in": 300,
        "attempts_left": 5,
        "code_length": 6,
        "delivery": "sent",
        "resend_in": 30,
    }


def test_the_clock_counts_down(api):
    api.start()
    Challenge.objects.update(
        created_at=timezone.now() - timedelta(seconds=20),
        expires_at=timezone.now() + timedelta(seconds=280),
    )
    body = api.status().json()
    assert 279 <= body["expires_in"] <= 280
    assert 9 <= body["resend_in"] <= 10
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    assert api.status().json()["resend_in"] == 0


def test_wrong_codes_lower_attempts_left_then_lock(api, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 2
    api.start()
    api.verify(wrong_code(last_code(PHONE)))
    assert api.status().json()["attempts_left"] == 1
    api.verify(wrong_code(last_code(PHONE)))
    assert api.status().json()["state"] == "locked"


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "expired"),
        ({"invalidated_at": timezone.now()}, "invalidated"),
        ({"consumed_at": timezone.now()}, "verified"),
        ({"delivery_status": DeliveryStatus.FAILED}, "failed"),
    ],
)
def test_every_state_is_reported(api, change, state):
    api.start()
    Challenge.objects.update(**change)
    body = api.status().json()
    assert body["state"] == state
    assert body["expires_in"] >= 0


def receipt(status: str) -> None:
    challenge = Challenge.objects.get()
    record(Receipt("locmem", challenge.provider_message_id, status, status))


@pytest.mark.parametrize("status", ["delivered", "undelivered"])
def test_carrier_receipts_show_while_signup_is_on(api, status):
    api.start()
    receipt(status)
    assert api.status().json()["delivery"] == status


@pytest.mark.parametrize("status", ["delivered", "undelivered"])
def test_carrier_receipts_are_hidden_while_signup_is_off(api, settings, status):
    """Unknown numbers get no SMS then, so no receipt: showing one would tell the two apart."""
    from django_webotp.models import PhoneIdentity

    settings.WEBOTP_SIGNUP = False
    user = make_user("known")
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    api.start()
    receipt(status)
    assert Challenge.objects.get().delivery_status == status
    assert api.status().json()["delivery"] == "sent"


def test_an_unknown_number_reads_sent_while_signup_is_off(api, settings):
    settings.WEBOTP_SIGNUP = False
    api.start()
    assert Challenge.objects.get().delivery_status == DeliveryStatus.SUPPRESSED
    assert api.status().json()["delivery"] == "sent"
