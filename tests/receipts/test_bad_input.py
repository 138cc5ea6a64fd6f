"""Bad input that once answered 500 on the receipt endpoints: each now a 4xx with a sentence,
and no receipt recorded. Also the replay window of Vonage's signed receipts."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from vonage_http_client import Auth

from django_webotp.models import DeliveryEvent, DeliveryStatus
from django_webotp.sms.backends.webhook import sign
from tests.providers.payloads import VONAGE_ID
from tests.receipts.test_views import (
    TOKEN,
    VONAGE_SIGNATURE,
    VONAGE_URL,
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    post_webhook,
    sent_challenge,
    state,
    vonage_fields,
)

pytestmark = pytest.mark.django_db

TWILIO_URL = "/sms/receipts/twilio/"
NOT_SIGNED = "This delivery receipt is not signed by the SMS provider."
MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="MessageStatus"\r\n\r\ndelivered\r\n--b--\r\n'
)


@pytest.fixture(autouse=True)
def receipt_settings(settings):
    settings.WEBOTP_TWILIO_AUTH_TOKEN = TOKEN
    settings.WEBOTP_VONAGE_API_KEY = "vonage-key"
    settings.WEBOTP_VONAGE_SIGNATURE_SECRET = VONAGE_SIGNATURE
    settings.WEBOTP_VONAGE_SIGNATURE_METHOD = "sha256"
    settings.WEBOTP_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def provider():
    """A provider's request: no CSRF token, but a stray csrftoken cookie does not matter."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    return client


@pytest.fixture
def vonage_challenge():
    return sent_challenge(VONAGE_ID, "vonage")


def resign(fields: dict) -> dict:
    fields = {key: value for key, value in fields.items() if key != "sig"}
    auth = Auth(api_key="vonage-key", signature_secret=VONAGE_SIGNATURE, signature_method="sha256")
    return {**fields, "sig": auth.sign_params(dict(fields))}


# --- your own gateway --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    [
        "²",  # str.isdigit() says yes, int() says no
        "١٧٠٠٠٠٠٠٠٠",  # Arabic-Indic digits: int() would even read them
        "9" * 5000,  # more digits than int() converts
        " 1700000000",
        "-1",
    ],
)
def test_a_gateway_receipt_with_a_timestamp_that_is_not_ascii_digits_is_refused(
    provider, timestamp
):
    body = json.dumps({"id": "x", "status": "delivered"}).encode()
    signature = "v1=" + "0" * 64
    response = provider.post(
        WEBHOOK_URL,
        body,
        content_type="application/json",
        headers={"X-WebOTP-Timestamp": timestamp, "X-WebOTP-Signature": signature},
    )
    assert response.status_code == 403
    assert response.content.decode() == NOT_SIGNED


def test_a_gateway_receipt_with_a_non_ascii_signature_is_refused(provider):
    response = post_webhook(provider, {"id": "x", "status": "sent"}, signature="v1=é")
    assert response.status_code == 403


def test_a_signed_gateway_receipt_with_a_nul_byte_is_a_bad_request(provider):
    """PostgreSQL cannot store NUL in text: the query would have been a 500 there."""
    response = post_webhook(provider, {"id": "SM\x001", "status": "delivered", "error_code": "1"})
    assert response.status_code == 400
    assert response.content.decode() == "A receipt's fields cannot hold NUL characters."
    assert not DeliveryEvent.objects.exists()


# --- Vonage ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", ["é" * 64, "\u0661" * 64, "\ud800", "zz" * 32])
def test_a_vonage_signature_that_is_not_a_hex_digest_is_refused(provider, vonage_challenge, sig):
    fields = {**vonage_fields("delivered"), "sig": sig}
    response = provider.post(VONAGE_URL, fields, content_type="application/json")
    assert response.status_code == 403
    assert response.content.decode() == NOT_SIGNED
    assert state(vonage_challenge) == (DeliveryStatus.SENT, "", [])


def test_a_non_ascii_vonage_signature_in_a_query_string_is_refused(provider, vonage_challenge):
    fields = {**vonage_fields("delivered"), "sig": "é" * 64}
    assert provider.get(VONAGE_URL, fields).status_code == 403


def test_a_lone_surrogate_in_a_vonage_field_is_refused(provider, vonage_challenge):
    body = json.dumps({**vonage_fields("delivered"), "status": "\ud800"})
    response = provider.post(VONAGE_URL, body, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000]
)
def test_deeply_nested_vonage_json_is_refused(provider, body):
    """json.loads raises RecursionError on these, which is no ValueError."""
    response = provider.post(VONAGE_URL, body, content_type="application/json")
    assert response.status_code == 403
    assert response.content.decode() == NOT_SIGNED


# --- bodies Django cannot read -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"status=delivered", "application/x-www-form-urlencoded; charset=latin-1"),
        (MULTIPART, "multipart/form-data; boundary=b; charset=idna"),
        (MULTIPART, "multipart/form-data; boundary=b; charset=base64"),
        (MULTIPART, "multipart/form-data; boundary=b; charset=undefined"),
    ],
)
def test_a_form_django_cannot_read_is_refused_by_the_twilio_and_vonage_receipts(
    provider, body, content_type
):
    twilio = provider.generic(
        "POST", TWILIO_URL, body, content_type=content_type, headers={"X-Twilio-Signature": "c2ln"}
    )
    assert twilio.status_code == 400
    assert twilio.content.decode() == "The body is not a form that can be read."
    vonage = provider.generic("POST", VONAGE_URL, body, content_type=content_type)
    assert vonage.status_code == 403  # its fields, "sig" among them, cannot be read
    assert vonage.content.decode() == NOT_SIGNED


def test_a_non_utf8_form_body_is_read_with_replacement_characters(provider):
    response = provider.post(
        TWILIO_URL,
        b"MessageStatus=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": "c2ln"},
    )
    assert response.status_code == 403  # read, then the signature does not match


def test_a_non_utf8_gateway_body_is_refused(provider):
    timestamp = str(int(time.time()))
    body = b"\xff\xfe"
    headers = {
        "X-WebOTP-Timestamp": timestamp,
        "X-WebOTP-Signature": sign(WEBHOOK_SECRET, timestamp, body),
    }
    response = provider.post(WEBHOOK_URL, body, content_type="text/plain", headers=headers)
    assert response.status_code == 400


# --- Vonage's replay window ----------------------------------------------------------------------


def unix(offset: int) -> str:
    return str(int(time.time()) + offset)


def utc(offset: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + offset))


@pytest.mark.parametrize(
    "timestamp",
    [
        lambda: "0",  # 1970
        lambda: "1",
        lambda: unix(-3600),  # captured an hour ago
        lambda: unix(+3600),  # dated in the future
        lambda: "1970-01-01 00:00:01",
        lambda: utc(-3600),
        lambda: "yesterday",
    ],
)
def test_a_signed_vonage_receipt_outside_the_window_is_refused(
    provider, vonage_challenge, timestamp
):
    fields = resign({**vonage_fields("delivered"), "timestamp": timestamp()})

    response = provider.post(VONAGE_URL, fields)

    assert response.status_code == 400
    assert response.content.decode() == (
        "This delivery receipt is too old, or dated in the future: a receipt is accepted only "
        "within 300 seconds of its timestamp."
    )
    assert state(vonage_challenge) == (DeliveryStatus.SENT, "", [])


@pytest.mark.parametrize(
    "timestamp", [lambda: unix(0), lambda: unix(-250), lambda: unix(+60), lambda: utc(0)]
)
def test_a_fresh_signed_vonage_receipt_is_recorded(provider, vonage_challenge, timestamp):
    fields = resign({**vonage_fields("delivered"), "timestamp": timestamp()})
    assert provider.post(VONAGE_URL, fields).status_code == 204
    assert state(vonage_challenge)[0] == DeliveryStatus.DELIVERED


def test_the_vonage_window_is_a_setting(provider, vonage_challenge, settings):
    settings.WEBOTP_VONAGE_TOLERANCE = 7200
    fields = resign({**vonage_fields("delivered"), "timestamp": unix(-3600)})
    assert provider.post(VONAGE_URL, fields).status_code == 204
