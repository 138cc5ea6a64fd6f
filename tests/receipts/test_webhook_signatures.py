"""Gateway receipts signed the Standard Webhooks way, and the old way while it is allowed."""

import json
import time
from datetime import UTC, datetime

import pytest
from django.test import Client

from django_webotp.models import DeliveryStatus
from django_webotp.sms import standard_webhooks
from django_webotp.sms.backends.webhook import sign

from .test_views import WEBHOOK_SECRET, WEBHOOK_URL, post_webhook, sent_challenge, state

pytestmark = pytest.mark.django_db
MESSAGE_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def secret(settings):
    settings.WEBOTP_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def challenge():
    return sent_challenge(MESSAGE_ID, "webhook")


def post_standard(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """A receipt signed by the Standard Webhooks reference library, as a gateway would."""
    reference = pytest.importorskip("standardwebhooks")
    body = json.dumps(payload)
    signed_at = datetime.fromtimestamp(time.time() if timestamp is None else timestamp, tz=UTC)
    headers = {
        "webhook-id": "msg_receipt_1",
        "webhook-timestamp": str(int(signed_at.timestamp())),
        "webhook-signature": reference.Webhook(secret.encode()).sign(
            "msg_receipt_1", signed_at, body
        ),
    }
    return Client().post(WEBHOOK_URL, body, content_type="application/json", headers=headers)


def test_a_receipt_signed_by_a_standard_webhooks_library_is_applied(challenge):
    assert post_standard({"id": MESSAGE_ID, "status": "delivered"}).status_code == 204
    assert state(challenge)[0] == DeliveryStatus.DELIVERED


@pytest.mark.parametrize(
    "forge",
    [
        {"secret": "a different secret, but long enough"},
        {"timestamp": time.time() - 3600},  # replayed an hour later
        {"timestamp": time.time() + 3600},  # or dated ahead
    ],
)
def test_forged_or_stale_standard_receipts_are_refused(challenge, forge):
    assert post_standard({"id": MESSAGE_ID, "status": "delivered"}, **forge).status_code == 403
    assert state(challenge) == (DeliveryStatus.SENT, "", [])


def test_an_old_style_receipt_is_refused_once_the_old_scheme_is_off(challenge, settings):
    settings.WEBOTP_WEBHOOK_LEGACY_SIGNATURES = False
    assert post_webhook(Client(), {"id": MESSAGE_ID, "status": "delivered"}).status_code == 403
    assert state(challenge)[0] == DeliveryStatus.SENT


def test_a_bad_standard_signature_is_not_rescued_by_a_good_old_one(challenge):
    body = json.dumps({"id": MESSAGE_ID, "status": "delivered"}).encode()
    timestamp = str(int(time.time()))
    headers = {
        **standard_webhooks.headers("another secret entirely, long enough", "m", body),
        "X-WebOTP-Timestamp": timestamp,
        "X-WebOTP-Signature": sign(WEBHOOK_SECRET, timestamp, body),
    }
    response = Client().post(WEBHOOK_URL, body, content_type="application/json", headers=headers)
    assert response.status_code == 403
