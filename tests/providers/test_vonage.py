"""The Vonage backend, through the real SDK, against an HTTPS stand-in of rest.nexmo.com."""

import base64
import traceback

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms import SmsMessage, get_connection
from django_webotp.sms.backends.vonage import SmsBackend
from tests.support.providers import SECRETS, assert_no_secret

from .payloads import BODY, TO, VONAGE_ID, vonage_refused, vonage_sent

KEY = "vonage-key"
SECRET = SECRETS["vonage_secret"]
PATH = "django_webotp.sms.backends.vonage.SmsBackend"


def backend(server, **kwargs):
    options = {
        "api_key": KEY,
        "api_secret": SECRET,
        "sender": "ExampleCo",
        "rest_host": server.host,
    }
    return SmsBackend(**{**options, **kwargs})


def test_sends_the_documented_sms_api_request(tls_provider_server):
    tls_provider_server.reply(200, vonage_sent())
    message = SmsMessage(to=TO, body=BODY)

    assert backend(tls_provider_server).send_messages([message]) == 1

    assert (message.provider_message_id, message.backend) == (VONAGE_ID, "vonage")
    [request] = tls_provider_server.requests
    assert (request.method, request.path) == ("POST", "/sms/json")
    credentials = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert request.header("Authorization") == f"Basic {credentials}"
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    # E.164 without the "+", as the SMS API reference asks; no credentials in the body.
    assert request.form == {"from": "ExampleCo", "to": TO[1:], "text": BODY, "type": "text"}


def test_unicode_text_and_status_callback(tls_provider_server):
    tls_provider_server.reply(200, vonage_sent(count=2))
    message = SmsMessage(to=TO, body="Votre code Exemple : 123456 — merci\n\n@example.com #123456")

    backend(tls_provider_server, status_callback="https://example.com/r/vonage/").send_messages(
        [message]
    )

    [request] = tls_provider_server.requests
    assert request.form["type"] == "unicode"
    assert request.form["text"] == message.body
    assert request.form["callback"] == "https://example.com/r/vonage/"
    assert message.provider_message_id == VONAGE_ID  # the first part's id


@override_settings(
    WEBOTP_VONAGE_API_KEY=KEY, WEBOTP_VONAGE_API_SECRET=SECRET, WEBOTP_VONAGE_FROM="A"
)
def test_settings_are_read_and_arguments_beat_them(tls_provider_server):
    tls_provider_server.reply(200, vonage_sent())
    host = tls_provider_server.host

    get_connection(PATH, rest_host=host).send_messages([SmsMessage(TO, BODY)])
    get_connection(PATH, rest_host=host, sender="447700900000").send_messages(
        [SmsMessage(TO, BODY)]
    )

    assert [r.form["from"] for r in tls_provider_server.requests] == ["A", "447700900000"]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("1", "throttled"),
        ("3", "invalid_number"),
        ("4", "auth"),
        ("6", "unroutable"),
        ("7", "unroutable"),
        ("9", "error"),  # Partner Quota Violation: out of credit
        ("14", "auth"),
        ("29", "unroutable"),
        ("33", "invalid_number"),
    ],
)
def test_refused_messages_are_mapped(tls_provider_server, status, reason):
    tls_provider_server.reply(200, vonage_refused(status, f"Refused {TO}"))

    with pytest.raises(SmsDeliveryError) as caught:
        backend(tls_provider_server).send_messages([SmsMessage(TO, BODY)])

    error = caught.value
    assert (error.backend, error.reason) == ("vonage", reason)
    assert str(error).startswith("Vonage could not send the SMS")
    assert f"Vonage status {status}" in str(error)
    assert TO not in str(error)
    assert_no_secret("".join(traceback.format_exception(error)))


def test_a_long_message_with_one_part_refused_names_that_parts_status(tls_provider_server):
    answer = vonage_sent(count=2)
    answer["messages"][1] = {"status": "7", "error-text": "Number barred"}
    tls_provider_server.reply(200, answer)

    with pytest.raises(SmsDeliveryError) as caught:
        backend(tls_provider_server).send_messages([SmsMessage(TO, BODY)])

    assert caught.value.reason == "unroutable"
    assert "(Vonage status 7)" in str(caught.value)


def test_a_partly_refused_long_message_names_the_refused_part(tls_provider_server):
    answer = vonage_sent(count=2)
    answer["messages"][1] = {"status": "1", "error-text": "Throttled"}
    tls_provider_server.reply(200, answer)

    with pytest.raises(SmsDeliveryError) as caught:
        backend(tls_provider_server).send_messages([SmsMessage(TO, BODY)])

    assert caught.value.reason == "throttled"


@pytest.mark.parametrize(
    ("http_status", "reason"), [(401, "auth"), (429, "throttled"), (500, "error"), (502, "error")]
)
def test_http_errors_are_mapped(tls_provider_server, http_status, reason):
    tls_provider_server.reply(
        http_status,
        {"type": "https://developer.nexmo.com/api-errors#unauthorized", "title": "Unauthorized"},
    )

    with pytest.raises(SmsDeliveryError) as caught:
        backend(tls_provider_server).send_messages([SmsMessage(TO, BODY)])

    assert caught.value.reason == reason
    assert f"HTTP {http_status}" in str(caught.value)
    assert_no_secret("".join(traceback.format_exception(caught.value)))


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"api_key": None}, "WEBOTP_VONAGE_API_KEY"),
        ({"api_secret": None}, "WEBOTP_VONAGE_API_SECRET"),
        ({"sender": None}, "WEBOTP_VONAGE_FROM"),
        ({"status_callback": "https://example.com/" + "x" * 90}, "over Vonage's 100 characters"),
    ],
)
def test_configuration_errors_are_named_even_when_failing_silently(missing, named):
    options = {"api_key": KEY, "api_secret": SECRET, "sender": "ExampleCo"}
    with pytest.raises(ImproperlyConfigured, match=named) as caught:
        SmsBackend(fail_silently=True, **{**options, **missing})
    assert_no_secret(str(caught.value))


def test_credentials_and_code_never_reach_the_logs(tls_provider_server, all_logs):
    tls_provider_server.reply(200, vonage_sent())
    tls_provider_server.reply(401, {"title": "Unauthorized"})
    sender = backend(tls_provider_server)
    sender.send_messages([SmsMessage(TO, BODY)])
    with pytest.raises(SmsDeliveryError):
        sender.send_messages([SmsMessage(TO, BODY)])

    sdk_lines = [r.getMessage() for r in all_logs.records if r.name == "vonage"]
    assert any("'Authorization': '[redacted]'" in line for line in sdk_lines)
    assert_no_secret(all_logs.text)
    assert "123456" not in all_logs.text  # the message text, with its code, is blanked too


@override_settings(WEBOTP_SMS_TIMEOUT=2.5)
def test_defaults_to_vonage_host_and_the_sms_timeout_in_whole_seconds():
    client = SmsBackend(api_key=KEY, api_secret=SECRET, sender="ExampleCo").client.http_client
    assert (client.rest_host, client.http_client_options.timeout) == ("rest.nexmo.com", 3)
