"""POST resend/: a new code to the same number after the cooldown; the old one stops working."""

from datetime import timedelta

import pytest
from django.utils import timezone

from django_webotp import signals, sms
from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.testing import last_code
from tests.support.api import PHONE
from tests.support.signin import pending_state

pytestmark = pytest.mark.django_db


def cooldown_over():
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))


def test_without_a_challenge_it_is_no_challenge(api):
    response = api.resend()
    assert response.status_code == 400
    assert response.json()["error"] == "no_challenge"
    assert sms.outbox == []


def test_before_the_cooldown_it_is_rate_limited(api):
    api.start()
    response = api.resend()
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "rate_limited"
    assert 1 <= body["retry_after"] <= 30
    assert response["Retry-After"] == str(body["retry_after"])
    assert len(sms.outbox) == 1


def test_after_the_cooldown_a_new_code_replaces_the_old_one(api):
    api.start(next="/account/")
    old_code = last_code(PHONE)
    old = Challenge.objects.get()
    cooldown_over()
    response = api.resend()
    assert response.status_code == 202
    assert response.json() == {
        "status": "sent",
        "phone_number": PHONE,
        "expires_in": 300,
        "resend_in": 30,
        "code_length": 6,
    }
    assert len(sms.outbox) == 2
    new_code = last_code(PHONE)
    old.refresh_from_db()
    assert old.invalidated_at is not None
    assert pending_state(api.client)["challenge"] != str(old.pk)
    if old_code != new_code:  # the old code is told apart, and costs no attempt
        assert api.verify(old_code).json()["error"] == "superseded"
    assert api.verify(new_code).json() == {"status": "verified", "redirect": "/account/"}


def test_form_and_empty_bodies_are_accepted(api):
    api.start()
    cooldown_over()
    assert api.call("resend", form=True).status_code == 202
    cooldown_over()
    url = "/api/webotp/resend/"
    headers = {"X-CSRFToken": api.token}
    bare = api.client.post(url, b"", content_type="application/json", headers=headers)
    assert bare.status_code == 202


def test_after_a_failed_delivery_resend_is_allowed_at_once(api):
    api.start()
    Challenge.objects.update(delivery_status=DeliveryStatus.FAILED)
    assert api.status().json()["resend_in"] == 0
    assert api.resend().status_code == 202


def test_a_provider_failure_is_424_and_the_failed_challenge_is_remembered(api, settings):
    api.start()
    cooldown_over()
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    response = api.resend()
    assert response.status_code == 424
    assert response.json()["error"] == "delivery_failed"
    status = api.status().json()
    assert (status["state"], status["delivery"], status["resend_in"]) == ("failed", "failed", 0)
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.locmem.SmsBackend"
    assert api.resend().status_code == 202


def test_the_bot_check_applies_to_resend(api, settings):
    api.start()
    cooldown_over()
    settings.WEBOTP_BOT_CHECK = "tests.api.test_start.needs_ticket"
    refused = api.resend()
    assert refused.status_code == 400
    assert refused.json()["error"] == "bot_check_failed"
    assert api.resend({"ticket": "human"}).status_code == 202


def test_resend_counts_against_the_start_limits(api, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    api.start()
    cooldown_over()
    reasons = []

    def record(sender, reason, **kwargs):
        reasons.append(reason)

    signals.rate_limited.connect(record)
    try:
        response = api.resend()
    finally:
        signals.rate_limited.disconnect(record)
    assert response.status_code == 429
    assert reasons == ["phone"]  # the number's limit, not the cooldown
    assert len(sms.outbox) == 1
