"""Delivery receipts: signature checks, status order, duplicates, and the admin timeline."""

import json
import sys
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from twilio.request_validator import RequestValidator
from vonage_http_client import Auth

from django_webotp.models import Challenge, DeliveryEvent, DeliveryStatus, Status
from django_webotp.sms.backends.webhook import sign
from tests.providers.payloads import ACCOUNT_SID, MESSAGE_SID, TO, VONAGE_ID
from tests.support.providers import SECRETS
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

TOKEN = SECRETS["twilio_token"]
VONAGE_SIGNATURE = SECRETS["vonage_signature"]
WEBHOOK_SECRET = SECRETS["webhook_secret"]
TWILIO_URL = "/sms/receipts/twilio/"
VONAGE_URL = "/sms/receipts/vonage/"
WEBHOOK_URL = "/sms/receipts/webhook/"


@pytest.fixture(autouse=True)
def receipt_settings(settings):
    settings.WEBOTP_TWILIO_AUTH_TOKEN = TOKEN
    settings.WEBOTP_VONAGE_API_KEY = "vonage-key"
    settings.WEBOTP_VONAGE_SIGNATURE_SECRET = VONAGE_SIGNATURE
    settings.WEBOTP_VONAGE_SIGNATURE_METHOD = "sha256"
    settings.WEBOTP_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def provider_client():
    """Providers hold no CSRF token: the receipts must work with CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def sent_challenge(message_id, backend):
    challenge = Challenge.objects.issue(TO, ttl=300, max_attempts=5, code_length=6)
    challenge.mark_sent(message_id, backend)
    return challenge


@pytest.fixture
def twilio_challenge():
    return sent_challenge(MESSAGE_SID, "twilio")


def state(challenge):
    challenge.refresh_from_db()
    events = [
        (e.provider, e.raw_status, e.status, e.error_code) for e in challenge.delivery_events.all()
    ]
    return challenge.delivery_status, challenge.delivery_error_code, events


# -- Twilio ------------------------------------------------------------------------------------


def twilio_fields(status, **extra):
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": "+15005550006",
        "MessageSid": MESSAGE_SID,
        "MessageStatus": status,
        "SmsSid": MESSAGE_SID,
        "SmsStatus": status,
        "To": TO,
        **extra,
    }


def post_twilio(client, fields, token=TOKEN, signature=None):
    url = f"http://testserver{TWILIO_URL}"
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, fields)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(TWILIO_URL, fields, headers=headers)


def test_twilio_delivered(provider_client, twilio_challenge):
    response = post_twilio(provider_client, twilio_fields("delivered"))

    assert response.status_code == 204
    assert state(twilio_challenge) == (
        DeliveryStatus.DELIVERED,
        "",
        [("twilio", "delivered", DeliveryStatus.DELIVERED, "")],
    )


@pytest.mark.parametrize(
    "forge",
    [
        {"signature": ""},  # unsigned
        {"signature": "bm90IGEgc2lnbmF0dXJl"},  # made up
        {"token": "another-auth-token"},  # signed for another account
    ],
)
def test_twilio_forged_receipts_are_refused_and_change_nothing(
    provider_client, twilio_challenge, forge
):
    response = post_twilio(provider_client, twilio_fields("failed", ErrorCode="30003"), **forge)

    assert response.status_code == 403
    assert response.content.decode() == "This delivery receipt is not signed by the SMS provider."
    assert state(twilio_challenge) == (DeliveryStatus.SENT, "", [])


def test_twilio_signature_covers_every_field(provider_client, twilio_challenge):
    fields = twilio_fields("delivered")
    signature = RequestValidator(TOKEN).compute_signature(f"http://testserver{TWILIO_URL}", fields)
    tampered = {**fields, "MessageStatus": "failed"}

    response = post_twilio(provider_client, tampered, signature=signature)

    assert response.status_code == 403
    assert state(twilio_challenge)[0] == DeliveryStatus.SENT


def test_twilio_receipts_without_an_auth_token_are_refused(
    provider_client, twilio_challenge, settings
):
    fields = twilio_fields("delivered")
    settings.WEBOTP_TWILIO_AUTH_TOKEN = None
    assert post_twilio(provider_client, fields).status_code == 403
    assert state(twilio_challenge)[0] == DeliveryStatus.SENT


def test_twilio_duplicate_and_out_of_order_receipts(provider_client, twilio_challenge):
    for status in ["queued", "delivered", "delivered", "sent", "queued"]:
        assert post_twilio(provider_client, twilio_fields(status)).status_code == 204

    assert state(twilio_challenge) == (
        DeliveryStatus.DELIVERED,
        "",
        [
            ("twilio", "queued", DeliveryStatus.QUEUED, ""),
            ("twilio", "delivered", DeliveryStatus.DELIVERED, ""),
            ("twilio", "sent", DeliveryStatus.SENT, ""),  # on the timeline, but no step back
        ],
    )


def test_twilio_failure_keeps_the_error_code_and_a_late_delivery_wins(
    provider_client, twilio_challenge
):
    post_twilio(provider_client, twilio_fields("undelivered", ErrorCode="30003"))
    assert state(twilio_challenge)[:2] == (DeliveryStatus.UNDELIVERED, "30003")

    post_twilio(provider_client, twilio_fields("failed", ErrorCode="30008"))
    assert state(twilio_challenge)[:2] == (DeliveryStatus.UNDELIVERED, "30003")  # first final wins

    post_twilio(provider_client, twilio_fields("delivered"))
    assert state(twilio_challenge)[:2] == (DeliveryStatus.DELIVERED, "")


def test_a_failed_receipt_closes_the_challenge(provider_client, twilio_challenge):
    post_twilio(provider_client, twilio_fields("failed", ErrorCode="30006"))
    twilio_challenge.refresh_from_db()
    assert twilio_challenge.status == Status.FAILED
    assert Challenge.objects.with_status(Status.FAILED).get() == twilio_challenge


def test_twilio_status_with_no_counterpart_is_kept_but_not_applied(
    provider_client, twilio_challenge
):
    post_twilio(provider_client, twilio_fields("partially_delivered"))
    assert state(twilio_challenge) == (
        DeliveryStatus.SENT,
        "",
        [("twilio", "partially_delivered", "", "")],
    )


def test_receipt_for_an_unknown_message_is_acknowledged(provider_client):
    fields = twilio_fields("delivered", MessageSid="SM" + "f" * 32, SmsSid="SM" + "f" * 32)
    assert post_twilio(provider_client, fields).status_code == 204
    assert not DeliveryEvent.objects.exists()


def test_signed_twilio_receipt_without_a_status_is_a_bad_request(provider_client, twilio_challenge):
    fields = {"MessageSid": MESSAGE_SID, "AccountSid": ACCOUNT_SID}
    response = post_twilio(provider_client, fields)
    assert response.status_code == 400
    assert "MessageStatus" in response.content.decode()


def test_receipts_only_take_their_methods(provider_client):
    assert provider_client.get(TWILIO_URL).status_code == 405
    assert provider_client.get(WEBHOOK_URL).status_code == 405
    assert provider_client.put(VONAGE_URL).status_code == 405


# -- Vonage ------------------------------------------------------------------------------------


def vonage_fields(status, err_code="0", **extra):
    """A delivery receipt as Vonage sends it, signed with the account's signature secret."""
    fields = {
        "msisdn": TO[1:],
        "to": "Example",
        "network-code": "23410",
        "messageId": VONAGE_ID,
        "price": "0.03330000",
        "status": status,
        "scts": "2001011400",
        "err-code": err_code,
        "api-key": "vonage-key",
        "message-timestamp": "2020-01-01 12:00:00",
        "timestamp": str(int(time.time())),
        "nonce": "a3c8b1ff-2e1d-4f0c-9b63-1c2f0b7d5c10",
        **extra,
    }
    auth = Auth(api_key="vonage-key", signature_secret=VONAGE_SIGNATURE, signature_method="sha256")
    fields["sig"] = auth.sign_params(dict(fields))
    return fields


@pytest.fixture
def vonage_challenge():
    return sent_challenge(VONAGE_ID, "vonage")


@pytest.mark.parametrize("how", ["GET", "POST form", "POST JSON"])
def test_vonage_signed_receipt_in_each_dashboard_format(provider_client, vonage_challenge, how):
    fields = vonage_fields("delivered")
    if how == "GET":
        response = provider_client.get(VONAGE_URL, fields)
    elif how == "POST form":
        response = provider_client.post(VONAGE_URL, fields)
    else:
        response = provider_client.post(VONAGE_URL, fields, content_type="application/json")

    assert response.status_code == 204
    assert state(vonage_challenge) == (
        DeliveryStatus.DELIVERED,
        "",
        [("vonage", "delivered", DeliveryStatus.DELIVERED, "")],
    )


@pytest.mark.parametrize(
    "forge",
    [
        lambda f: {k: v for k, v in f.items() if k != "sig"},  # unsigned
        lambda f: {**f, "status": "failed"},  # tampered after signing
        lambda f: {**f, "sig": "0" * 64},  # made up
        lambda f: {k: v for k, v in f.items() if k != "timestamp"},  # no timestamp
    ],
)
def test_vonage_forged_receipts_are_refused(provider_client, vonage_challenge, forge):
    response = provider_client.post(VONAGE_URL, forge(vonage_fields("delivered")))
    assert response.status_code == 403
    assert state(vonage_challenge) == (DeliveryStatus.SENT, "", [])


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("WEBOTP_VONAGE_SIGNATURE_SECRET", "another-signature-secret-0123456789"),
        ("WEBOTP_VONAGE_SIGNATURE_SECRET", None),
        ("WEBOTP_VONAGE_SIGNATURE_METHOD", "md5"),  # the dashboard's method differs
        ("WEBOTP_VONAGE_SIGNATURE_METHOD", "crc32"),  # not a method at all: refused, not a 500
    ],
)
def test_vonage_receipt_checked_with_other_settings_is_refused(
    provider_client, vonage_challenge, settings, change, value
):
    fields = vonage_fields("delivered")
    setattr(settings, change, value)
    assert provider_client.post(VONAGE_URL, fields).status_code == 403
    assert state(vonage_challenge)[0] == DeliveryStatus.SENT


def test_vonage_unreadable_json_is_refused(provider_client, vonage_challenge):
    for body in ["{not json", "[1, 2]"]:
        response = provider_client.post(VONAGE_URL, body, content_type="application/json")
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("status", "err_code", "expected"),
    [
        ("accepted", "0", (DeliveryStatus.SENT, "")),
        ("buffered", "0", (DeliveryStatus.SENT, "")),
        ("expired", "5", (DeliveryStatus.UNDELIVERED, "5")),
        ("failed", "6", (DeliveryStatus.FAILED, "6")),
        ("rejected", "99", (DeliveryStatus.FAILED, "99")),
        ("unknown", "99", (DeliveryStatus.SENT, "")),  # kept on the timeline only
    ],
)
def test_vonage_statuses(provider_client, vonage_challenge, status, err_code, expected):
    provider_client.post(VONAGE_URL, vonage_fields(status, err_code))
    delivery_status, error_code, [event] = state(vonage_challenge)
    assert (delivery_status, error_code) == expected
    assert event[1] == status


def test_vonage_duplicate_and_out_of_order(provider_client, vonage_challenge):
    delivered = vonage_fields("delivered")
    for fields in [delivered, delivered, vonage_fields("accepted")]:
        assert provider_client.post(VONAGE_URL, fields).status_code == 204
    delivery_status, _, events = state(vonage_challenge)
    assert delivery_status == DeliveryStatus.DELIVERED
    assert [e[1] for e in events] == ["delivered", "accepted"]


def test_signed_vonage_receipt_without_message_id_is_a_bad_request(provider_client):
    fields = vonage_fields("delivered")
    del fields["messageId"], fields["sig"]
    auth = Auth(api_key="vonage-key", signature_secret=VONAGE_SIGNATURE, signature_method="sha256")
    fields["sig"] = auth.sign_params(dict(fields))
    assert provider_client.post(VONAGE_URL, fields).status_code == 400


# -- Your own gateway --------------------------------------------------------------------------


def post_webhook(client, payload, secret=WEBHOOK_SECRET, timestamp=None, signature=None):
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    headers = {
        "X-WebOTP-Timestamp": timestamp,
        "X-WebOTP-Signature": signature if signature is not None else sign(secret, timestamp, body),
    }
    return client.post(WEBHOOK_URL, body, content_type="application/json", headers=headers)


@pytest.fixture
def webhook_challenge():
    return sent_challenge("0123456789abcdef0123456789abcdef", "webhook")


def test_gateway_receipt(provider_client, webhook_challenge):
    payload = {
        "id": webhook_challenge.provider_message_id,
        "status": "failed",
        "error_code": "EC42",
    }
    assert post_webhook(provider_client, payload).status_code == 204
    assert state(webhook_challenge) == (
        DeliveryStatus.FAILED,
        "EC42",
        [("webhook", "failed", DeliveryStatus.FAILED, "EC42")],
    )


@pytest.mark.parametrize(
    "forge",
    [
        {"signature": ""},
        {"secret": "a different secret, but long enough"},
        {"timestamp": str(int(time.time()) - 3600)},  # a replay an hour later
        {"timestamp": "", "signature": "v1=00"},
    ],
)
def test_gateway_forged_or_stale_receipts_are_refused(provider_client, webhook_challenge, forge):
    payload = {"id": webhook_challenge.provider_message_id, "status": "delivered"}
    assert post_webhook(provider_client, payload, **forge).status_code == 403
    assert state(webhook_challenge) == (DeliveryStatus.SENT, "", [])


@override_settings(WEBOTP_WEBHOOK_SECRET=None)
def test_gateway_receipts_without_a_secret_are_refused(provider_client, webhook_challenge):
    payload = {"id": webhook_challenge.provider_message_id, "status": "delivered"}
    assert post_webhook(provider_client, payload, secret="").status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        [1],
        {"status": "delivered"},
        {"id": "x", "status": "read"},
        {"id": 5, "status": "sent"},
        {"id": "x", "status": ["sent"]},
        b"\xff\xfe not utf-8",
    ],
)
def test_signed_but_malformed_gateway_receipts_are_bad_requests(provider_client, payload):
    response = post_webhook(provider_client, payload)
    assert response.status_code == 400
    assert response.content.decode()


# -- The admin ---------------------------------------------------------------------------------


def test_admin_shows_the_delivery_timeline_read_only(client, twilio_challenge):
    provider = Client()
    post_twilio(provider, twilio_fields("sent"))
    post_twilio(provider, twilio_fields("undelivered", ErrorCode="30005"))
    admin = make_user("admin", password="pw", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(
        reverse("admin:django_webotp_challenge_change", args=[twilio_challenge.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Delivery timeline" in html
    assert html.index(">sent<") < html.index(">undelivered<")
    assert "30005" in html
    assert 'name="delivery_events-0-raw_status"' not in html  # nothing editable
    assert 'name="delivery_events-0-DELETE"' not in html


@pytest.mark.parametrize(
    ("module", "url", "fields"),
    [
        ("twilio.request_validator", TWILIO_URL, lambda: twilio_fields("delivered")),
        ("vonage_http_client", VONAGE_URL, lambda: vonage_fields("delivered")),
    ],
)
def test_receipts_without_the_sdk_are_refused_not_a_500(
    provider_client, twilio_challenge, monkeypatch, caplog, module, url, fields
):
    data = fields()
    headers = {"X-Twilio-Signature": "c2lnbmVk"}
    monkeypatch.setitem(sys.modules, module, None)

    assert provider_client.post(url, data, headers=headers).status_code == 403
    assert "SDK is not installed" in caplog.text
