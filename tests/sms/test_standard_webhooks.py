"""Standard Webhooks signatures: ours verify with the reference library, and theirs with ours."""

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_webotp.sms import standard_webhooks as sw

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER = "whsec_" + base64.b64encode(b"o" * 32).decode()
BODY = b'{"id":"0123","to":"+447700900123","body":"Your code is 123456."}'
NOW = 1_767_225_600  # 2026-01-01 00:00:00 UTC


@pytest.fixture
def reference():
    """The Standard Webhooks reference library (the test dependency group's standardwebhooks)."""
    return pytest.importorskip("standardwebhooks")


def test_our_signature_verifies_with_the_reference_library(reference):
    headers = sw.headers(SECRET, "msg_0123", BODY)

    assert reference.Webhook(SECRET).verify(BODY, headers)["id"] == "0123"


def test_the_reference_librarys_signature_verifies_with_ours(reference):
    signed_at = datetime.fromtimestamp(NOW, tz=UTC)
    headers = {
        "webhook-id": "msg_0123",
        "webhook-timestamp": str(NOW),
        "webhook-signature": reference.Webhook(SECRET).sign("msg_0123", signed_at, BODY.decode()),
    }

    assert sw.verify(SECRET, headers, BODY, tolerance=300, now=NOW)
    assert not sw.verify(SECRET, headers, BODY + b" ", tolerance=300, now=NOW)


def test_a_secret_without_the_prefix_is_used_as_its_bytes(reference):
    secret = secrets.token_urlsafe(32)
    headers = sw.headers(secret, "msg_1", BODY)

    reference.Webhook(secret.encode()).verify(BODY, headers)  # raises if it does not verify


def test_the_signature_is_the_documented_hmac():
    mac = hmac.new(b"k" * 32, b"msg_1.%d." % NOW + BODY, hashlib.sha256).digest()
    assert sw.sign(SECRET, "msg_1", str(NOW), BODY) == "v1," + base64.b64encode(mac).decode()


@pytest.mark.parametrize(
    ("drift", "accepted"), [(0, True), (300, True), (-300, True), (301, False), (-301, False)]
)
def test_a_timestamp_outside_the_tolerance_is_refused_either_way(drift, accepted):
    headers = sw.headers(SECRET, "msg_1", BODY, now=NOW + drift)
    assert sw.verify(SECRET, headers, BODY, tolerance=300, now=NOW) is accepted


def test_any_of_several_signatures_may_match_while_a_secret_is_rotated():
    headers = sw.headers(SECRET, "msg_1", BODY, now=NOW)
    old = sw.sign(OTHER, "msg_1", str(NOW), BODY)
    headers["webhook-signature"] = f"{old} {headers['webhook-signature']}"

    assert sw.verify(SECRET, headers, BODY, tolerance=300, now=NOW)
    assert not sw.verify(SECRET, {**headers, "webhook-signature": old}, BODY, 300, now=NOW)


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-id": "msg_2"},  # the signature covers the id
        {"webhook-id": ""},
        {"webhook-timestamp": str(NOW + 1)},  # and the timestamp
        {"webhook-timestamp": "²"},
        {"webhook-timestamp": "1.7e9"},
        {"webhook-signature": ""},
        {"webhook-signature": "v1,not-base64-at-all"},
        {"webhook-signature": "v1,ünï"},
    ],
)
def test_tampered_or_missing_headers_are_refused(change):
    headers = {**sw.headers(SECRET, "msg_1", BODY, now=NOW), **change}
    assert not sw.verify(SECRET, headers, BODY, tolerance=300, now=NOW)


def test_headers_are_found_whatever_their_case():
    headers = {name.title(): value for name, value in sw.headers(SECRET, "m", BODY).items()}
    assert sw.verify(SECRET, headers, BODY, tolerance=300)


def test_no_secret_verifies_nothing():
    assert not sw.verify("", sw.headers(SECRET, "m", BODY), BODY, tolerance=300)
    assert not sw.verify(OTHER, sw.headers(SECRET, "m", BODY), BODY, tolerance=300)


@pytest.mark.parametrize("secret", ["whsec_", "whsec_!!not base64!!"])
def test_a_malformed_whsec_secret_is_a_configuration_error(secret):
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_WEBHOOK_SECRET starts with whsec_"):
        sw.headers(secret, "m", BODY)
