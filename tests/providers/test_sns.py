"""The SNS backend: moto for the service's behaviour, a local stand-in for the wire format."""

import traceback

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms import SmsMessage, get_connection
from django_webotp.sms.backends.sns import SmsBackend
from tests.support.providers import assert_no_secret

from .payloads import BODY, TO, sns_error, sns_published

REGION = "eu-west-1"
pytestmark = pytest.mark.usefixtures("aws_environment")


def local(server, **kwargs):
    return SmsBackend(**{"region": REGION, "endpoint_url": server.url, **kwargs})


@mock_aws
def test_publishes_to_the_phone_number_in_moto():
    message = SmsMessage(to=TO, body=BODY)

    assert SmsBackend(region=REGION).send_messages([message]) == 1

    sent = sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages
    assert sent == {message.provider_message_id: (TO, BODY)}
    assert message.backend == "sns"


@mock_aws
@override_settings(WEBOTP_SNS_REGION="us-east-1")
def test_settings_are_read_and_arguments_beat_them():
    get_connection("django_webotp.sms.backends.sns.SmsBackend").send_messages(
        [SmsMessage(TO, BODY)]
    )
    SmsBackend(region=REGION).send_messages([SmsMessage(TO, BODY)])

    assert len(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages) == 1
    assert len(sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages) == 1


@mock_aws
def test_an_invalid_number_in_moto():
    with pytest.raises(SmsDeliveryError) as caught:
        SmsBackend(region=REGION).send_messages([SmsMessage("+0044 not a number", BODY)])

    assert (caught.value.backend, caught.value.reason) == ("sns", "invalid_number")
    assert "SNS error InvalidParameter, HTTP 400" in str(caught.value)


def test_the_documented_publish_request(provider_server):
    provider_server.reply(200, sns_published("msg-0001"), content_type="text/xml")
    message = SmsMessage(to=TO, body=BODY)

    local(provider_server, sender_id="Example", origination_number="+447700900999").send_messages(
        [message]
    )

    assert message.provider_message_id == "msg-0001"
    [request] = provider_server.requests
    assert (request.method, request.path) == ("POST", "/")
    assert request.form == {
        "Action": "Publish",
        "Version": "2010-03-31",
        "PhoneNumber": TO,
        "Message": BODY,
        "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SMSType",
        "MessageAttributes.entry.1.Value.DataType": "String",
        "MessageAttributes.entry.1.Value.StringValue": "Transactional",
        "MessageAttributes.entry.2.Name": "AWS.SNS.SMS.SenderID",
        "MessageAttributes.entry.2.Value.DataType": "String",
        "MessageAttributes.entry.2.Value.StringValue": "Example",
        "MessageAttributes.entry.3.Name": "AWS.MM.SMS.OriginationNumber",
        "MessageAttributes.entry.3.Value.DataType": "String",
        "MessageAttributes.entry.3.Value.StringValue": "+447700900999",
    }
    authorization = request.header("Authorization")
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
    assert f"/{REGION}/sns/aws4_request" in authorization


@pytest.mark.parametrize(
    ("status", "code", "text", "reason"),
    [
        (
            400,
            "InvalidParameter",
            "Invalid parameter: PhoneNumber Reason: +1 is not valid",
            "invalid_number",
        ),
        (400, "InvalidParameter", "Invalid parameter: Message too long", "error"),
        (403, "AuthorizationError", "User is not authorized to perform SNS:Publish", "auth"),
        (
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid",
            "auth",
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match",
            "auth",
        ),
        (400, "Throttling", "Rate exceeded", "throttled"),
        (429, "Throttled", "Rate exceeded", "throttled"),
        (400, "EndpointDisabled", "Endpoint is disabled", "unroutable"),
        (500, "InternalError", "Internal error", "error"),
    ],
)
def test_service_errors_are_mapped(provider_server, status, code, text, reason):
    kind = "Receiver" if status >= 500 else "Sender"
    provider_server.reply(status, sns_error(code, text, kind), content_type="text/xml")

    with pytest.raises(SmsDeliveryError) as caught:
        local(provider_server).send_messages([SmsMessage(TO, BODY)])

    error = caught.value
    assert (error.backend, error.reason) == ("sns", reason)
    assert str(error).startswith("Amazon SNS could not send the SMS")
    assert f"SNS error {code}, HTTP {status}" in str(error)
    assert len(provider_server.requests) == 1  # no automatic retries
    assert_no_secret("".join(traceback.format_exception(error)))


def test_missing_credentials_are_a_configuration_error_even_when_failing_silently(
    provider_server, monkeypatch
):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    with pytest.raises(ImproperlyConfigured, match="found no AWS credentials"):
        local(provider_server, fail_silently=True).send_messages([SmsMessage(TO, BODY)])
    assert provider_server.requests == []


def test_missing_region_is_named():
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_SNS_REGION"):
        SmsBackend(fail_silently=True)


def test_secret_key_never_reaches_the_logs(provider_server, all_logs):
    provider_server.reply(200, sns_published(), content_type="text/xml")
    provider_server.reply(
        403, sns_error("InvalidClientTokenId", "invalid"), content_type="text/xml"
    )
    sender = local(provider_server)
    sender.send_messages([SmsMessage(TO, BODY)])
    with pytest.raises(SmsDeliveryError):
        sender.send_messages([SmsMessage(TO, BODY)])

    assert "botocore" in {r.name.split(".")[0] for r in all_logs.records}
    assert_no_secret(all_logs.text)
