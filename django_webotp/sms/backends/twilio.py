"""Twilio Programmable Messaging through the official SDK: ``pip install django-webotp[twilio]``.

One ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` per message (form fields ``To``,
``Body``, ``From`` and/or ``MessagingServiceSid``, optional ``StatusCallback``), HTTP Basic auth
with the account SID and auth token or an API key SID and secret. The returned ``sid`` ("SM…")
becomes the challenge's provider message id, which Twilio's status callbacks refer to.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from ...exceptions import SmsDeliveryError
from .provider import ProviderSmsBackend

__all__ = ["SmsBackend"]

# Twilio error codes (https://www.twilio.com/docs/api/errors) that name a cause of ours.
ERROR_REASONS = {
    21211: "invalid_number",  # Invalid 'To' Phone Number
    21217: "invalid_number",  # Phone number does not appear to be valid
    21401: "invalid_number",  # Invalid Phone Number
    21614: "invalid_number",  # 'To' number is not a valid mobile number
    21408: "unroutable",  # Permission to send an SMS has not been enabled for the region
    21610: "unroutable",  # Attempt to send to unsubscribed recipient
    21612: "unroutable",  # The 'To' phone number is not currently reachable via SMS
    20003: "auth",  # Authentication Error - invalid username or password
    20005: "auth",  # Account not active
    20429: "throttled",  # Too Many Requests
    14107: "throttled",  # SMS send rate limit exceeded
}
STATUS_REASONS = {401: "auth", 403: "auth", 429: "throttled"}


class SmsBackend(ProviderSmsBackend):
    name = "twilio"
    label = "Twilio"
    extra = "twilio"
    sdk_module = "twilio.rest"
    check_id = "webotp.E010"
    options = {
        "account_sid": "TWILIO_ACCOUNT_SID",
        "auth_token": "TWILIO_AUTH_TOKEN",
        "api_key": "TWILIO_API_KEY",
        "api_secret": "TWILIO_API_SECRET",
        "sender": "TWILIO_FROM",
        "messaging_service_sid": "TWILIO_MESSAGING_SERVICE_SID",
        "status_callback": "TWILIO_STATUS_CALLBACK",
        "timeout": None,
        # A twilio.http.HttpClient of your own (proxies, tests); None: TwilioHttpClient(timeout).
        "http_client": None,
        # Its async twin for asend_messages(); None: AsyncTwilioHttpClient(timeout), per call.
        "async_http_client": None,
    }

    @classmethod
    def missing_settings(cls, config: Mapping[str, Any]) -> list[str]:
        missing = []
        if not config["account_sid"]:
            missing.append("WEBOTP_TWILIO_ACCOUNT_SID")
        if config["api_key"] or config["api_secret"]:
            if not (config["api_key"] and config["api_secret"]):
                missing.append("both WEBOTP_TWILIO_API_KEY and WEBOTP_TWILIO_API_SECRET")
        elif not config["auth_token"]:
            missing.append(
                "WEBOTP_TWILIO_AUTH_TOKEN (or WEBOTP_TWILIO_API_KEY with WEBOTP_TWILIO_API_SECRET)"
            )
        if not (config["sender"] or config["messaging_service_sid"]):
            missing.append("WEBOTP_TWILIO_FROM or WEBOTP_TWILIO_MESSAGING_SERVICE_SID")
        return missing

    def credentials(self) -> tuple[str, str]:
        config = self.config
        if config["api_key"]:
            return config["api_key"], config["api_secret"]
        return config["account_sid"], config["auth_token"]

    def client_key(self) -> Hashable:
        # A client of your own is part of the key (held, so its id is never reused).
        return (
            *self.credentials(),
            self.config["account_sid"],
            self.config["http_client"],
            self.timeout,
        )

    def build_client(self) -> Any:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        # TwilioHttpClient keeps one requests session: its connections stay open between sends.
        http_client = self.config["http_client"] or TwilioHttpClient(timeout=self.timeout)
        if getattr(http_client, "timeout", None) is None:
            http_client.timeout = self.timeout  # a client of your own still gets a timeout
        username, password = self.credentials()
        return Client(
            username, password, account_sid=self.config["account_sid"], http_client=http_client
        )

    def _params(self, message: Any) -> dict[str, Any]:
        params = {"to": message.to, "body": message.body}
        for option, argument in (
            ("sender", "from_"),
            ("messaging_service_sid", "messaging_service_sid"),
            ("status_callback", "status_callback"),
        ):
            if self.config[option]:
                params[argument] = self.config[option]
        return params

    def _refused(self, exc: Any) -> Exception:
        reason = ERROR_REASONS.get(exc.code or 0) or STATUS_REASONS.get(exc.status, "error")
        return self.failure(reason, f"Twilio error {exc.code}, HTTP {exc.status}")

    def send_message(self, message: Any) -> str:
        from requests import RequestException, Timeout
        from twilio.base.exceptions import TwilioRestException

        try:
            created = self.client.messages.create(**self._params(message))
        except TwilioRestException as exc:
            raise self._refused(exc) from None
        except Timeout:
            raise self.failure("timeout", f"no answer within {self.timeout} s") from None
        except RequestException as exc:
            raise self.failure("error", f"could not reach the API: {type(exc).__name__}") from None
        return created.sid

    async def asend_messages(self, messages: Sequence[Any]) -> int:
        """The SDK's own async client (aiohttp, which twilio depends on): each send awaits on
        the event loop instead of holding a thread. Its session belongs to the running loop,
        so it is made per call, not kept like the sync client."""
        from twilio.http.async_http_client import AsyncTwilioHttpClient
        from twilio.rest import Client

        own = self.config["async_http_client"]
        http_client = own or AsyncTwilioHttpClient(timeout=self.timeout)
        username, password = self.credentials()
        client = Client(
            username, password, account_sid=self.config["account_sid"], http_client=http_client
        )
        sent = 0
        try:
            for message in messages:
                try:
                    self._stamp(message, await self._asend(client, message))
                except SmsDeliveryError:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if own is None:
                await http_client.close()
        return sent

    async def _asend(self, client: Any, message: Any) -> str:
        from aiohttp import ClientError
        from twilio.base.exceptions import TwilioRestException

        try:
            created = await client.messages.create_async(**self._params(message))
        except TwilioRestException as exc:
            raise self._refused(exc) from None
        except TimeoutError:
            raise self.failure("timeout", f"no answer within {self.timeout} s") from None
        except ClientError as exc:
            raise self.failure("error", f"could not reach the API: {type(exc).__name__}") from None
        return created.sid
