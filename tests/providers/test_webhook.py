"""The webhook backend (standard library only) against a local stand-in gateway."""

import hashlib
import hmac
import re
import time
import traceback

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms import SmsMessage, get_connection
from django_webotp.sms.backends.webhook import SmsBackend, sign, verify
from tests.support.providers import SECRETS, assert_no_secret

from .payloads import BODY, TO

SECRET = SECRETS["webhook_secret"]


def backend(server, **kwargs):
    return SmsBackend(**{"url": f"{server.url}/sms/send", "secret": SECRET, **kwargs})


def test_posts_signed_json(provider_server):
    message = SmsMessage(to=TO, body=BODY)
    before = int(time.time())

    assert backend(provider_server).send_messages([message]) == 1

    [request] = provider_server.requests
    assert (request.method, request.path) == ("POST", "/sms/send")
    assert request.header("Content-Type") == "application/json"
    assert request.json == {"id": message.provider_message_id, "to": TO, "body": BODY}
    assert re.fullmatch(r"[0-9a-f]{32}", message.provider_message_id)
    assert message.backend == "webhook"
    # What a gateway does to verify it, written out from the spec rather than with our helper.
    timestamp = request.header("X-WebOTP-Timestamp")
    assert before <= int(timestamp) <= int(time.time())
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256)
    assert request.header("X-WebOTP-Signature") == "v1=" + expected.hexdigest()


def test_https_gateway(tls_provider_server):
    message = SmsMessage(to=TO, body="Ünïcode code 123456")

    backend(tls_provider_server).send_messages([message])

    [request] = tls_provider_server.requests
    assert request.json["body"] == "Ünïcode code 123456"
    assert verify(
        SECRET,
        request.header("X-WebOTP-Timestamp"),
        request.body,
        request.header("X-WebOTP-Signature"),
        tolerance=60,
    )


@override_settings(WEBOTP_WEBHOOK_SECRET=SECRET)
def test_settings_are_read_and_arguments_beat_them(provider_server):
    with override_settings(WEBOTP_WEBHOOK_URL=f"{provider_server.url}/from-settings"):
        get_connection("django_webotp.sms.backends.webhook.SmsBackend").send_messages(
            [SmsMessage(TO, BODY)]
        )
        backend(provider_server, url=f"{provider_server.url}/from-argument").send_messages(
            [SmsMessage(TO, BODY)]
        )

    assert [r.path for r in provider_server.requests] == ["/from-settings", "/from-argument"]


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, {"reason": "invalid_number", "message": "no such number"}, "invalid_number"),
        (422, {"reason": "unroutable"}, "unroutable"),
        (400, {"reason": "something-else"}, "error"),
        (400, "not json", "error"),
        (401, {}, "auth"),
        (403, {}, "auth"),
        (429, {}, "throttled"),
        (504, {}, "timeout"),
        (500, {}, "error"),
        (302, {}, "error"),  # redirects are not followed: the code would go elsewhere
    ],
)
def test_gateway_errors_are_mapped(provider_server, status, body, reason):
    provider_server.reply(status, body, headers={"Location": "http://127.0.0.1:9/elsewhere"})

    with pytest.raises(SmsDeliveryError) as caught:
        backend(provider_server).send_messages([SmsMessage(TO, BODY)])

    error = caught.value
    assert (error.backend, error.reason) == ("webhook", reason)
    assert str(error).startswith("The SMS gateway could not send the SMS")
    assert f"HTTP {status}" in str(error)
    assert len(provider_server.requests) == 1
    assert_no_secret("".join(traceback.format_exception(error)))


@override_settings(WEBOTP_WEBHOOK_TIMEOUT=None, WEBOTP_SMS_TIMEOUT=3)
def test_timeout_falls_back_to_sms_timeout(provider_server):
    assert backend(provider_server).timeout == 3
    with override_settings(WEBOTP_WEBHOOK_TIMEOUT=1.5):
        assert backend(provider_server).timeout == 1.5


def test_unreachable_gateway_is_an_error(provider_server):
    provider_server.stop()

    with pytest.raises(SmsDeliveryError) as caught:
        backend(provider_server).send_messages([SmsMessage(TO, BODY)])

    assert caught.value.reason == "error"
    assert "ConnectionRefusedError" in str(caught.value)


@pytest.mark.parametrize(
    ("missing", "named"),
    [({"url": None}, "WEBOTP_WEBHOOK_URL"), ({"secret": None}, "WEBOTP_WEBHOOK_SECRET")],
)
def test_missing_settings_are_named_even_when_failing_silently(missing, named):
    options = {"url": "https://gateway.example/sms", "secret": SECRET, **missing}
    with pytest.raises(ImproperlyConfigured, match=named) as caught:
        SmsBackend(fail_silently=True, **options)
    assert_no_secret(str(caught.value))


def test_verify_refuses_wrong_stale_and_missing_signatures():
    body, now = b'{"id":"x"}', 1_800_000_000
    timestamp = str(now)
    good = sign(SECRET, timestamp, body)

    assert verify(SECRET, timestamp, body, good, tolerance=300, now=now + 300)
    assert not verify(SECRET, timestamp, body, good, tolerance=300, now=now + 301)
    assert not verify(SECRET, timestamp, body, good, tolerance=300, now=now - 301)
    assert not verify(SECRET, timestamp, body + b" ", good, tolerance=300, now=now)
    assert not verify("another secret of enough length!!", timestamp, body, good, 300, now=now)
    assert not verify(SECRET, timestamp, body, "", tolerance=300, now=now)
    assert not verify(SECRET, "", body, good, tolerance=300, now=now)
    assert not verify(SECRET, "12ab", body, good, tolerance=300, now=now)
    assert not verify("", timestamp, body, sign("", timestamp, body), tolerance=300, now=now)


def test_gateway_hanging_up_is_an_error(provider_server):
    provider_server.drop()
    with pytest.raises(SmsDeliveryError) as caught:
        backend(provider_server).send_messages([SmsMessage(TO, BODY)])
    assert caught.value.reason == "error"
    assert "RemoteDisconnected" in str(caught.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://gateway.example/", "gateway/sms"])
def test_only_http_urls(url):
    with pytest.raises(ImproperlyConfigured, match="must be an http:// or https:// URL"):
        SmsBackend(url=url, secret=SECRET)


def test_requests_are_signed_the_standard_webhooks_way(provider_server):
    reference = pytest.importorskip("standardwebhooks")
    message = SmsMessage(TO, BODY)

    backend(provider_server, legacy_signatures=False).send_messages([message])

    [request] = provider_server.requests
    names = ("webhook-id", "webhook-timestamp", "webhook-signature")
    headers = {name: request.header(name) for name in names}
    payload = reference.Webhook(SECRET.encode()).verify(request.body, headers)
    assert payload == {"id": message.provider_message_id, "to": TO, "body": BODY}
    assert headers["webhook-id"] == message.provider_message_id
    assert request.header("X-WebOTP-Signature") is None  # the old scheme, turned off


def test_the_old_signature_is_still_sent_by_default_and_its_setting_turns_it_off(provider_server):
    backend(provider_server).send_messages([SmsMessage(TO, BODY)])
    with override_settings(WEBOTP_WEBHOOK_LEGACY_SIGNATURES=False):
        backend(provider_server).send_messages([SmsMessage(TO, BODY)])

    old, new = provider_server.requests
    assert old.header("X-WebOTP-Signature") and old.header("webhook-signature")
    assert new.header("X-WebOTP-Signature") is None and new.header("webhook-signature")


def test_a_malformed_whsec_secret_is_found_when_the_backend_is_built(provider_server):
    with pytest.raises(ImproperlyConfigured, match="starts with whsec_"):
        backend(provider_server, secret="whsec_" + "!" * 40, fail_silently=True)
