"""A provider's client is built once per configuration and process, and only when first used."""

import threading

import boto3
import pytest
from django.test import override_settings
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from django_webotp import sms
from django_webotp.sms import SmsMessage, get_connection
from django_webotp.sms.backends.failover import SmsBackend as Failover
from django_webotp.sms.backends.sns import SmsBackend as Sns
from tests.support.providers import SECRETS

from .payloads import ACCOUNT_SID, BODY, TO

REGION = "eu-west-1"
SNS = "django_webotp.sms.backends.sns.SmsBackend"
TWILIO = "django_webotp.sms.backends.twilio.SmsBackend"
LOCMEM = "django_webotp.sms.backends.locmem.SmsBackend"
REFUSING = "tests.providers.backends.RefusingBackend"
pytestmark = pytest.mark.usefixtures("aws_environment")


@pytest.fixture
def boto3_clients(monkeypatch):
    """Every boto3 client built during the test, in order."""
    built = []
    original = boto3.session.Session.client

    def counting(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        built.append(client)
        return client

    monkeypatch.setattr(boto3.session.Session, "client", counting)
    return built


def sent_by_moto(region=REGION):
    return sns_backends[DEFAULT_ACCOUNT_ID][region].sms_messages


@mock_aws
def test_two_sends_share_one_client(boto3_clients):
    for _ in range(2):
        get_connection(SNS, region=REGION).send_messages([SmsMessage(TO, BODY)])

    assert len(boto3_clients) == 1
    assert len(sent_by_moto()) == 2


def test_the_client_is_built_on_the_first_send_not_with_the_backend(boto3_clients):
    Sns(region=REGION)
    assert boto3_clients == []


@mock_aws
def test_threads_sending_at_once_build_one_client(boto3_clients):
    threads = 8
    start = threading.Barrier(threads)
    failures = []

    def send():
        start.wait()
        try:
            Sns(region=REGION).send_messages([SmsMessage(TO, BODY)])
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            failures.append(exc)

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    assert len(boto3_clients) == 1
    assert len(sent_by_moto()) == threads


@mock_aws
def test_each_configuration_has_its_own_client(boto3_clients):
    Sns(region=REGION).send_messages([SmsMessage(TO, BODY)])
    Sns(region="us-east-1").send_messages([SmsMessage(TO, BODY)])
    Sns(region=REGION, sender_id="Example").send_messages([SmsMessage(TO, BODY)])

    regions = [client.meta.region_name for client in boto3_clients]
    assert regions == [REGION, "us-east-1"]  # a sender id does not shape the client


@override_settings(
    WEBOTP_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
    WEBOTP_TWILIO_AUTH_TOKEN=SECRETS["twilio_token"],
    WEBOTP_TWILIO_FROM="+15005550006",
)
def test_changed_credentials_get_a_new_client():
    before = get_connection(TWILIO).client
    assert get_connection(TWILIO).client is before

    with override_settings(WEBOTP_TWILIO_AUTH_TOKEN="another-token"):
        changed = get_connection(TWILIO).client
    after = get_connection(TWILIO).client

    assert (before.password, changed.password) == (SECRETS["twilio_token"], "another-token")
    assert changed is not before
    assert after.password == SECRETS["twilio_token"]  # back to the old token, built anew


@mock_aws
def test_failover_builds_no_client_for_a_member_it_never_tries(boto3_clients):
    Failover(backends=[LOCMEM, {"BACKEND": SNS, "OPTIONS": {"region": REGION}}]).send_messages(
        [SmsMessage(TO, BODY)]
    )

    assert boto3_clients == []
    assert len(sms.outbox) == 1


@mock_aws
def test_failover_builds_the_next_members_client_when_the_first_fails(boto3_clients):
    message = SmsMessage(TO, BODY)
    Failover(backends=[REFUSING, {"BACKEND": SNS, "OPTIONS": {"region": REGION}}]).send_messages(
        [message]
    )

    assert len(boto3_clients) == 1
    assert message.backend == "sns"
    assert sent_by_moto() == {message.provider_message_id: (TO, BODY)}
