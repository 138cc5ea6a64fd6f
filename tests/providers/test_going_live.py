"""A site going live: the sign-in form sends through the webhook gateway, whose receipt lands."""

import time

import pytest
from django.urls import reverse

from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.sms.backends.webhook import sign
from django_webotp.views.base import DELIVERY_FAILED
from django_webotp.wording import delivery_failed as delivery_failed_message
from tests.support.providers import SECRETS

TO = "+447911123456"  # a number the sign-in form accepts as a real mobile

pytestmark = pytest.mark.django_db

SECRET = SECRETS["webhook_secret"]


def test_code_goes_out_through_the_gateway_and_its_receipt_marks_it_delivered(
    client, provider_server, settings
):
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.webhook.SmsBackend"
    settings.WEBOTP_WEBHOOK_URL = f"{provider_server.url}/send"
    settings.WEBOTP_WEBHOOK_SECRET = SECRET

    response = client.post(reverse("webotp:login"), {"phone_number": TO})

    assert response.status_code == 302
    [request] = provider_server.requests
    sent = request.json
    challenge = Challenge.objects.get()
    assert (challenge.provider_message_id, challenge.delivery_backend) == (sent["id"], "webhook")
    assert sent["to"] == TO
    assert sent["body"].endswith(f"@testserver #{challenge.make_code()}")

    body = f'{{"id": "{sent["id"]}", "status": "delivered"}}'.encode()
    timestamp = str(int(time.time()))
    receipt = client.post(
        reverse("webotp_receipts:webhook"),
        body,
        content_type="application/json",
        headers={
            "X-WebOTP-Timestamp": timestamp,
            "X-WebOTP-Signature": sign(SECRET, timestamp, body),
        },
    )

    assert receipt.status_code == 204
    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.DELIVERED


def test_a_gateway_failure_shows_the_person_a_message_and_no_usable_challenge(
    client, provider_server, settings
):
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.webhook.SmsBackend"
    settings.WEBOTP_WEBHOOK_URL = f"{provider_server.url}/send"
    settings.WEBOTP_WEBHOOK_SECRET = SECRET
    provider_server.reply(400, {"reason": "invalid_number"})

    response = client.post(reverse("webotp:login"), {"phone_number": TO})

    assert response.status_code == DELIVERY_FAILED
    assert str(delivery_failed_message()) in response.content.decode()
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error.startswith("invalid_number: The SMS gateway could not send")
