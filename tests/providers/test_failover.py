"""The failover backend: order, what it records, and how a failure or a misconfiguration shows."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings

from django_webotp import sms
from django_webotp.delivery import compose
from django_webotp.exceptions import SmsDeliveryError
from django_webotp.flows import challenges
from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.sms import SmsMessage, get_connection
from django_webotp.sms.backends.failover import SmsBackend
from tests.support.providers import SECRETS

from . import backends
from .payloads import (
    ACCOUNT_SID,
    BODY,
    TO,
    VONAGE_ID,
    LocalTwilioHttpClient,
    twilio_error,
    vonage_sent,
)

LOCMEM = "django_webotp.sms.backends.locmem.SmsBackend"
REFUSING = "tests.providers.backends.RefusingBackend"
SILENT = "tests.providers.backends.SilentBackend"
FAILOVER = "django_webotp.sms.backends.failover.SmsBackend"


def refusing(reason):
    return {"BACKEND": REFUSING, "OPTIONS": {"reason": reason}}


def test_the_first_backend_that_takes_the_message_sends_it_and_is_recorded(caplog):
    message = SmsMessage(TO, BODY)

    sent = SmsBackend(backends=[refusing("timeout"), SILENT, LOCMEM, REFUSING]).send_messages(
        [message]
    )

    assert sent == 1
    assert message.backend == "locmem"
    assert sms.outbox[0].provider_message_id == message.provider_message_id
    assert "SMS backend refusing failed over (timeout)." in caplog.text


def test_a_working_first_backend_leaves_the_others_alone():
    backends.opened.clear()
    with get_connection(FAILOVER, backends=[LOCMEM, REFUSING]) as connection:
        connection.send_messages([SmsMessage(TO, BODY), SmsMessage(TO, BODY)])
    assert len(sms.outbox) == 2
    assert backends.opened == ["open refusing", "close refusing"]  # opened and closed, not used


@pytest.mark.parametrize(
    ("reasons", "reason"),
    [(["timeout", "timeout"], "timeout"), (["timeout", "auth"], "error")],
)
def test_when_every_backend_fails_the_error_lists_them(reasons, reason):
    with pytest.raises(SmsDeliveryError) as caught:
        SmsBackend(backends=[refusing(r) for r in reasons]).send_messages([SmsMessage(TO, BODY)])

    assert (caught.value.backend, caught.value.reason) == ("failover", reason)
    assert str(caught.value) == (
        f"Every SMS backend failed: refusing: refused ({reasons[0]}); "
        f"refusing: refused ({reasons[1]})"
    )


def test_a_backend_that_sends_nothing_counts_as_failed():
    with pytest.raises(SmsDeliveryError, match="silent: sent nothing"):
        SmsBackend(backends=[SILENT]).send_messages([SmsMessage(TO, BODY)])


def test_fail_silently_counts_instead_of_raising():
    connection = SmsBackend(fail_silently=True, backends=[REFUSING])
    assert connection.send_messages([SmsMessage(TO, BODY)]) == 0


@override_settings(WEBOTP_FAILOVER_BACKENDS=[REFUSING, LOCMEM])
def test_reads_its_list_from_settings():
    message = SmsMessage(TO, BODY)
    get_connection(FAILOVER).send_messages([message])
    assert message.backend == "locmem"


@pytest.mark.parametrize(
    ("entries", "match"),
    [
        ([], "needs WEBOTP_FAILOVER_BACKENDS"),
        ([FAILOVER], "cannot contain the failover backend"),
        (["no.such.Backend"], "cannot import 'no.such.Backend'"),
        ([{"OPTIONS": {}}], "is a dotted path or"),
        ([{"BACKEND": LOCMEM, "OPTIONS": "x"}], "is a dotted path or"),
        # A misconfigured provider is found at once, not on the day the first one fails.
        ([LOCMEM, "django_webotp.sms.backends.twilio.SmsBackend"], "WEBOTP_TWILIO_ACCOUNT_SID"),
    ],
)
def test_configuration_errors_are_raised_even_when_failing_silently(entries, match):
    with (
        override_settings(WEBOTP_FAILOVER_BACKENDS=entries),
        pytest.raises(ImproperlyConfigured, match=match),
    ):
        get_connection(FAILOVER, fail_silently=True)


@pytest.mark.django_db
def test_twilio_down_vonage_delivers_and_the_challenge_records_it(
    provider_server, tls_provider_server, caplog
):
    """Through the sign-in flow: Twilio answers 500, Vonage takes the message."""
    provider_server.reply(500, twilio_error(20500, 500, "Internal Server Error"))
    tls_provider_server.reply(200, vonage_sent())
    twilio = {
        "BACKEND": "django_webotp.sms.backends.twilio.SmsBackend",
        "OPTIONS": {
            "account_sid": ACCOUNT_SID,
            "auth_token": SECRETS["twilio_token"],
            "sender": "+15005550006",
            "http_client": LocalTwilioHttpClient(provider_server.url),
        },
    }
    vonage = {
        "BACKEND": "django_webotp.sms.backends.vonage.SmsBackend",
        "OPTIONS": {
            "api_key": "vonage-key",
            "api_secret": SECRETS["vonage_secret"],
            "sender": "Example",
            "rest_host": tls_provider_server.host,
        },
    }
    caplog.set_level(logging.WARNING, "django_webotp")
    request = RequestFactory().post("/login/")
    with override_settings(WEBOTP_SMS_BACKEND=FAILOVER, WEBOTP_FAILOVER_BACKENDS=[twilio, vonage]):
        result = challenges.start(request, TO)

    assert result.delivery_error is None
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert (challenge.provider_message_id, challenge.delivery_backend) == (VONAGE_ID, "vonage")
    [twilio_request] = provider_server.requests
    [vonage_request] = tls_provider_server.requests
    assert twilio_request.form["Body"] == vonage_request.form["text"] == challenge_body(challenge)
    assert "SMS backend twilio failed over (error)." in caplog.text


def challenge_body(challenge):
    return compose.render_body(challenge, RequestFactory().post("/login/"))
