"""What every provider backend promises, whatever the provider: one set of tests, run against
each backend through its real SDK (or the standard library) and an offline stand-in.

A sent SMS records the provider's message id and the backend's name; a timeout, refused
credentials, throttling and an unroutable number each raise SmsDeliveryError with their reason,
after one request (no silent retry); fail_silently counts instead of raising; a missing SDK names
the extra that installs it; no secret reaches a log line or an error. What only one provider does
(its error codes, its request format) stays in test_<provider>.py.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms import SmsMessage
from django_webotp.sms.backends import sns, twilio, vonage, webhook
from tests.providers.payloads import (
    ACCOUNT_SID,
    BODY,
    MESSAGE_SID,
    TO,
    VONAGE_ID,
    LocalTwilioHttpClient,
    sns_error,
    sns_published,
    twilio_error,
    twilio_message,
    vonage_refused,
    vonage_sent,
)
from tests.providers.server import ProviderServer
from tests.support.providers import SECRETS, assert_no_secret

Reply = Callable[[ProviderServer], None]


def xml(status: int, code: str, kind: str = "Sender") -> Reply:
    return lambda server: server.reply(status, sns_error(code, code, kind), content_type="text/xml")


@dataclass
class Provider:
    name: str
    backend: type
    options: dict[str, Any]  # enough to build the backend
    at: Callable[[str], dict[str, Any]]  # the options that send to a stand-in at this URL
    sent: Reply  # the provider's answer to a sent SMS
    refusals: dict[str, Reply]  # its answers that mean auth, throttled and unroutable
    timeout: float
    tls: bool = False  # the SDK only builds https:// URLs
    sdk: str | None = None  # the module a missing extra leaves out
    fixtures: list[str] = field(default_factory=list)

    def make(self, url: str, **kwargs) -> Any:
        return self.backend(**{**self.options, **self.at(url), **kwargs})


PROVIDERS = [
    Provider(
        "twilio",
        twilio.SmsBackend,
        {
            "account_sid": ACCOUNT_SID,
            "auth_token": SECRETS["twilio_token"],
            "sender": "+15005550006",
        },
        lambda url: {"http_client": LocalTwilioHttpClient(url)},
        lambda server: server.reply(201, twilio_message()),
        {
            "auth": lambda server: server.reply(401, twilio_error(20003, 401, "Authenticate")),
            "throttled": lambda server: server.reply(429, twilio_error(20429, 429, "Too many")),
            "unroutable": lambda server: server.reply(400, twilio_error(21612, 400, "No route")),
        },
        timeout=0.3,
        tls=True,
        sdk="twilio.rest",
    ),
    Provider(
        "vonage",
        vonage.SmsBackend,
        {"api_key": "vonage-key", "api_secret": SECRETS["vonage_secret"], "sender": "ExampleCo"},
        lambda url: {"rest_host": url.split("://", 1)[1]},
        lambda server: server.reply(200, vonage_sent()),
        {
            "auth": lambda server: server.reply(401, {"title": "Unauthorized"}),
            "throttled": lambda server: server.reply(429, {"title": "Too Many Requests"}),
            "unroutable": lambda server: server.reply(200, vonage_refused("6", "No route")),
        },
        timeout=1,  # the SDK takes whole seconds
        tls=True,
        sdk="vonage_sms",
    ),
    Provider(
        "sns",
        sns.SmsBackend,
        {"region": "eu-west-1"},
        lambda url: {"endpoint_url": url},
        lambda server: server.reply(200, sns_published("msg-0001"), content_type="text/xml"),
        {
            "auth": xml(403, "InvalidClientTokenId"),
            "throttled": xml(429, "Throttled"),
            "unroutable": xml(400, "EndpointDisabled"),
        },
        timeout=0.3,
        sdk="boto3",
        fixtures=["aws_environment"],
    ),
    Provider(
        "webhook",
        webhook.SmsBackend,
        {"secret": SECRETS["webhook_secret"]},
        lambda url: {"url": f"{url}/sms/send"},
        lambda server: server.reply(200, {}),
        {
            "auth": lambda server: server.reply(401, {}),
            "throttled": lambda server: server.reply(429, {}),
            "unroutable": lambda server: server.reply(422, {"reason": "unroutable"}),
        },
        timeout=0.2,
    ),
]
SENT_IDS = {"twilio": MESSAGE_SID, "vonage": VONAGE_ID, "sns": "msg-0001"}


@pytest.fixture(params=PROVIDERS, ids=lambda provider: provider.name)
def provider(request) -> Provider:
    for name in request.param.fixtures:
        request.getfixturevalue(name)
    return request.param


@pytest.fixture
def server(request, provider) -> ProviderServer:
    return request.getfixturevalue("tls_provider_server" if provider.tls else "provider_server")


def send(sender) -> SmsDeliveryError:
    with pytest.raises(SmsDeliveryError) as caught:
        sender.send_messages([SmsMessage(TO, BODY)])
    return caught.value


def test_a_sent_sms_records_the_provider_id_and_the_backend(provider, server):
    provider.sent(server)
    message = SmsMessage(to=TO, body=BODY)

    assert provider.make(server.url).send_messages([message]) == 1

    [request] = server.requests
    expected = SENT_IDS.get(provider.name) or request.json["id"]  # the webhook makes its own
    assert (message.provider_message_id, message.backend) == (expected, provider.name)


@pytest.mark.parametrize("reason", ["auth", "throttled", "unroutable"])
def test_a_refusal_raises_its_reason_after_one_request(provider, server, reason):
    provider.refusals[reason](server)

    error = send(provider.make(server.url))

    assert (error.backend, error.reason) == (provider.name, reason)
    assert TO not in str(error)  # the provider's text, with the number, is left out
    assert len(server.requests) == 1
    assert_no_secret("".join(traceback.format_exception(error)))


def test_an_answer_that_never_comes_is_a_timeout_after_one_request(provider, server):
    server.hang()

    error = send(provider.make(server.url, timeout=provider.timeout))

    assert (error.backend, error.reason) == (provider.name, "timeout")
    assert "did not answer in time" in str(error)
    assert len(server.requests) == 1


def test_a_connection_never_accepted_is_a_timeout(provider, unanswered_host):
    scheme = "https" if provider.tls else "http"
    sender = provider.make(f"{scheme}://{unanswered_host}", timeout=min(provider.timeout, 1))
    assert send(sender).reason == "timeout"


def test_an_api_that_is_not_there_is_an_error(provider, server):
    server.stop()
    assert send(provider.make(server.url)).reason == "error"


def test_fail_silently_counts_instead_of_raising(provider, server):
    provider.refusals["unroutable"](server)
    message = SmsMessage(TO, BODY)

    assert provider.make(server.url, fail_silently=True).send_messages([message]) == 0
    assert message.provider_message_id == ""


def test_no_secret_reaches_the_logs(provider, server, all_logs):
    provider.sent(server)
    provider.refusals["auth"](server)
    sender = provider.make(server.url)
    sender.send_messages([SmsMessage(TO, BODY)])
    send(sender)

    assert_no_secret(all_logs.text)


@pytest.mark.parametrize("provider", [p for p in PROVIDERS if p.sdk], ids=lambda p: p.name)
def test_a_missing_sdk_says_which_pip_install_fixes_it(provider, request, monkeypatch):
    for name in provider.fixtures:
        request.getfixturevalue(name)
    monkeypatch.setitem(sys.modules, provider.sdk, None)
    with pytest.raises(
        ImproperlyConfigured, match=rf"pip install django-webotp\[{provider.name}\]"
    ):
        provider.backend(**provider.options)
