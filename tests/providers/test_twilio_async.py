"""The Twilio backend's asend_messages: the SDK's own async client, awaited on the event loop
(here a stand-in of its HTTP client that records the request the SDK builds)."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms import SmsMessage
from django_webotp.sms.backends.twilio import SmsBackend
from tests.support.providers import SECRETS

from .payloads import ACCOUNT_SID, BODY, MESSAGE_SID, TO, twilio_error, twilio_message

TOKEN = SECRETS["twilio_token"]


class RecordingAsyncClient(AsyncHttpClient):
    """Answers each request with ``answer`` after ``delay`` seconds of awaiting (not blocking)."""

    def __init__(self, status=201, body=None, delay=0.0):
        super().__init__(logging.getLogger("twilio.http_client"), is_async=True)
        self.answer = (status, json.dumps(body if body is not None else twilio_message()))
        self.delay = delay
        self.requests = []
        self.in_flight = self.most_in_flight = 0

    async def request(self, method, url, params=None, data=None, headers=None, auth=None,
                      timeout=None, allow_redirects=False):  # fmt: skip
        self.requests.append({"method": method, "url": url, "data": data, "auth": auth})
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        return Response(*self.answer)


def backend(http_client, **kwargs):
    options = {
        "account_sid": ACCOUNT_SID,
        "auth_token": TOKEN,
        "sender": "+15005550006",
        "async_http_client": http_client,
    }
    return SmsBackend(**{**options, **kwargs})


def test_an_async_send_posts_the_same_create_message_request():
    http = RecordingAsyncClient()
    message = SmsMessage(to=TO, body=BODY)
    assert asyncio.run(backend(http).asend_messages([message])) == 1
    assert (message.provider_message_id, message.backend) == (MESSAGE_SID, "twilio")
    [request] = http.requests
    assert request["method"] == "POST"
    assert request["url"].endswith(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json")
    assert request["auth"] == (ACCOUNT_SID, TOKEN)
    assert request["data"] == {"To": TO, "Body": BODY, "From": "+15005550006"}


def test_sends_await_without_a_thread():
    """Two sends side by side on one loop are both in flight at once: each awaits the provider
    rather than blocking the loop (a blocking send would finish before the next began)."""
    http = RecordingAsyncClient(delay=0.05)

    async def both():
        sender = backend(http)
        return await asyncio.gather(
            sender.asend_messages([SmsMessage(to=TO, body=BODY)]),
            sender.asend_messages([SmsMessage(to=TO, body=BODY)]),
        )

    assert asyncio.run(both()) == [1, 1]
    assert http.most_in_flight == 2


def test_provider_errors_are_mapped_as_on_the_sync_path():
    http = RecordingAsyncClient(400, twilio_error(21211, 400, "Invalid To Phone Number"))
    with pytest.raises(SmsDeliveryError) as refused:
        asyncio.run(backend(http).asend_messages([SmsMessage(to=TO, body=BODY)]))
    assert refused.value.reason == "invalid_number"
    assert (
        asyncio.run(
            backend(http, fail_silently=True).asend_messages([SmsMessage(to=TO, body=BODY)])
        )
        == 0
    )
