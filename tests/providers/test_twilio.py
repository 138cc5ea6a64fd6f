"""The Twilio backend, through the real SDK, against a stand-in of api.twilio.com."""

import base64
import re
import traceback

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms import SmsMessage, get_connection
from django_webotp.sms.backends.twilio import SmsBackend
from tests.support.providers import SECRETS, assert_no_secret

from .payloads import (
    ACCOUNT_SID,
    API_KEY,
    BODY,
    MESSAGE_SID,
    SERVICE_SID,
    TO,
    LocalTwilioHttpClient,
    twilio_error,
    twilio_message,
)

TOKEN = SECRETS["twilio_token"]
PATH = "django_webotp.sms.backends.twilio.SmsBackend"


def backend(server, **kwargs):
    options = {
        "account_sid": ACCOUNT_SID,
        "auth_token": TOKEN,
        "sender": "+15005550006",
        "http_client": LocalTwilioHttpClient(server.url),
    }
    return SmsBackend(**{**options, **kwargs})


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_sends_the_documented_create_message_request(tls_provider_server):
    tls_provider_server.reply(201, twilio_message())
    message = SmsMessage(to=TO, body=BODY)

    assert backend(tls_provider_server).send_messages([message]) == 1

    assert (message.provider_message_id, message.backend) == (MESSAGE_SID, "twilio")
    [request] = tls_provider_server.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.header("Authorization") == basic(ACCOUNT_SID, TOKEN)
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert request.header("Accept") == "application/json"
    assert request.form == {"To": TO, "Body": BODY, "From": "+15005550006"}


def test_api_key_messaging_service_and_status_callback(tls_provider_server):
    tls_provider_server.reply(201, twilio_message(messaging_service_sid=SERVICE_SID))
    sender = backend(
        tls_provider_server,
        auth_token=None,
        api_key=API_KEY,
        api_secret=SECRETS["twilio_api_secret"],
        sender=None,
        messaging_service_sid=SERVICE_SID,
        status_callback="https://example.com/sms/receipts/twilio/",
    )
    sender.send_messages([SmsMessage(to=TO, body=BODY)])

    [request] = tls_provider_server.requests
    # An API key authenticates; the account SID still names the account in the path.
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.header("Authorization") == basic(API_KEY, SECRETS["twilio_api_secret"])
    assert request.form == {
        "To": TO,
        "Body": BODY,
        "MessagingServiceSid": SERVICE_SID,
        "StatusCallback": "https://example.com/sms/receipts/twilio/",
    }


@override_settings(
    WEBOTP_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
    WEBOTP_TWILIO_AUTH_TOKEN=TOKEN,
    WEBOTP_TWILIO_FROM="+15005550006",
)
def test_settings_are_read_and_arguments_beat_them(tls_provider_server):
    tls_provider_server.reply(201, twilio_message())
    client = LocalTwilioHttpClient(tls_provider_server.url)

    get_connection(PATH, http_client=client).send_messages([SmsMessage(TO, BODY)])
    get_connection(PATH, http_client=client, sender="ExampleCo").send_messages(
        [SmsMessage(TO, BODY)]
    )

    assert [r.form["From"] for r in tls_provider_server.requests] == ["+15005550006", "ExampleCo"]


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        (400, 21211, "invalid_number"),
        (400, 21614, "invalid_number"),
        (400, 21612, "unroutable"),
        (400, 21408, "unroutable"),
        (400, 21610, "unroutable"),
        (401, 20003, "auth"),
        (429, 20429, "throttled"),
        (429, 14107, "throttled"),
        (400, 21606, "error"),
        (500, 20500, "error"),
    ],
)
def test_provider_errors_are_mapped(tls_provider_server, status, code, reason):
    tls_provider_server.reply(status, twilio_error(code, status, f"Error {code} about {TO}"))

    with pytest.raises(SmsDeliveryError) as caught:
        backend(tls_provider_server).send_messages([SmsMessage(TO, BODY)])

    error = caught.value
    assert (error.backend, error.reason) == ("twilio", reason)
    assert str(error).startswith("Twilio could not send the SMS")
    assert f"Twilio error {code}, HTTP {status}" in str(error)
    assert TO not in str(error)  # the provider's text (with the number) is left out
    assert_no_secret("".join(traceback.format_exception(error)))


def test_own_http_client_gets_the_timeout_and_default_client_too(tls_provider_server):
    assert backend(tls_provider_server, timeout=4).client.http_client.timeout == 4
    with override_settings(WEBOTP_SMS_TIMEOUT=7):
        sender = SmsBackend(account_sid=ACCOUNT_SID, auth_token=TOKEN, sender="+15005550006")
    assert sender.client.http_client.timeout == 7


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"account_sid": None}, "WEBOTP_TWILIO_ACCOUNT_SID"),
        ({"auth_token": None}, "WEBOTP_TWILIO_AUTH_TOKEN (or WEBOTP_TWILIO_API_KEY"),
        ({"auth_token": None, "api_key": API_KEY}, "both WEBOTP_TWILIO_API_KEY and"),
        ({"sender": None}, "WEBOTP_TWILIO_FROM or WEBOTP_TWILIO_MESSAGING_SERVICE_SID"),
    ],
)
def test_missing_settings_are_named_even_when_failing_silently(missing, named):
    options = {"account_sid": ACCOUNT_SID, "auth_token": TOKEN, "sender": "+15005550006"}
    with pytest.raises(ImproperlyConfigured, match=re.escape(named)) as caught:
        SmsBackend(fail_silently=True, **{**options, **missing})
    assert_no_secret(str(caught.value))


def test_bad_timeout_and_unknown_argument_are_configuration_errors():
    options = {"account_sid": ACCOUNT_SID, "auth_token": TOKEN, "sender": "+15005550006"}
    with pytest.raises(ImproperlyConfigured, match="timeout must be a positive number"):
        SmsBackend(timeout=0, **options)
    with pytest.raises(ImproperlyConfigured, match="takes no argument region"):
        SmsBackend(region="eu", **options)


def test_credentials_never_reach_the_logs(tls_provider_server, all_logs):
    tls_provider_server.reply(201, twilio_message())
    tls_provider_server.reply(401, twilio_error(20003, 401, "Authenticate"))
    sender = backend(tls_provider_server)
    sender.send_messages([SmsMessage(TO, BODY)])
    with pytest.raises(SmsDeliveryError):
        sender.send_messages([SmsMessage(TO, BODY)])

    assert "Twilio API Request" in all_logs.text  # the SDK did log, at INFO
    assert_no_secret(all_logs.text)
