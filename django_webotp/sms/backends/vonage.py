"""Vonage SMS API through the official SDK (v4): ``pip install django-webotp[vonage]``.

One ``POST https://rest.nexmo.com/sms/json`` per message, form fields ``from``, ``to`` (E.164
without "+"), ``text``, ``type`` and optional ``callback``, authenticated with the API key and
secret (HTTP Basic). The signature secret is deliberately not handed to the SDK: given one, SDK
4.x signs requests itself but includes the unset fields ("ttl=None"...) it then leaves out, so
Vonage would refuse every message (status 14). It only verifies delivery receipts here
(``receipts/vonage.py``). Vonage answers HTTP 200 for refused messages too; the per-message
``status`` says why ("0" is success), and the first ``message-id`` becomes the challenge's
provider message id.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .provider import ProviderSmsBackend

__all__ = ["SmsBackend"]

# SMS API per-message status codes (https://developer.vonage.com/messaging/sms/guides/troubleshooting-sms).
STATUS_REASONS = {
    "1": "throttled",  # Throttled
    "3": "invalid_number",  # Invalid Parameters (the usual cause: the "to" number)
    "4": "auth",  # Invalid Credentials
    "6": "unroutable",  # Invalid Message: e.g. an unrecognised number prefix
    "7": "unroutable",  # Number Barred
    "8": "auth",  # Partner Account Barred
    "14": "auth",  # Invalid Signature
    "22": "unroutable",  # Invalid Network Code
    "29": "unroutable",  # Non-Whitelisted Destination
    "32": "auth",  # Signature And API Secret Disallowed
    "33": "invalid_number",  # Number De-activated
}
HTTP_REASONS = {401: "auth", 403: "auth", 429: "throttled"}

# The SDK's DEBUG log lines print the request headers and fields: the Basic credentials and
# the message text (which carries the code). This filter blanks them before any handler runs.
_SECRET_FIELD = re.compile(
    r"""(?P<key>['"](?:Authorization|api_secret|text)['"]\s*:\s*)b?(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)"""
)


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = _SECRET_FIELD.sub(r"\g<key>'[redacted]'", text)
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


logging.getLogger("vonage").addFilter(_RedactSecrets())


class SmsBackend(ProviderSmsBackend):
    name = "vonage"
    label = "Vonage"
    extra = "vonage"
    sdk_module = "vonage"
    check_id = "webotp.E012"
    options = {
        "api_key": "VONAGE_API_KEY",
        "api_secret": "VONAGE_API_SECRET",
        "sender": "VONAGE_FROM",
        "status_callback": "VONAGE_STATUS_CALLBACK",
        "timeout": None,
        # Host (and port) of the SMS API; None: the SDK's rest.nexmo.com. Always HTTPS.
        "rest_host": None,
    }

    required = ("api_key", "api_secret", "sender")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from vonage import Auth, HttpClientOptions, Vonage

        config = self.config
        callback = config["status_callback"]
        if callback and len(callback) > 100:
            raise ImproperlyConfigured(
                "WEBOTP_VONAGE_STATUS_CALLBACK is over Vonage's 100 characters."
            )
        auth = Auth(api_key=config["api_key"], api_secret=config["api_secret"])
        # The SDK takes whole seconds; it retries nothing here, so failover can act quickly.
        options = {"timeout": max(math.ceil(self.timeout), 1), "max_retries": 0}
        if config["rest_host"]:
            options["rest_host"] = config["rest_host"]
        self.client = Vonage(auth, HttpClientOptions(**options))

    def send_message(self, message: Any) -> str:
        from requests import RequestException, Timeout
        from vonage_http_client.errors import HttpRequestError
        from vonage_sms import SmsError
        from vonage_sms import SmsMessage as VonageSms

        fields = {
            "to": message.to.removeprefix("+"),
            "from_": self.config["sender"],
            "text": message.body,
            "type": "text" if message.body.isascii() else "unicode",
        }
        if self.config["status_callback"]:
            fields["callback"] = self.config["status_callback"]
        try:
            response = self.client.sms.send(VonageSms(**fields))
        except SmsError:
            status = self._last_status()
            raise self.failure(
                STATUS_REASONS.get(status, "error"), f"Vonage status {status}"
            ) from None
        except HttpRequestError as exc:
            code = exc.response.status_code
            raise self.failure(HTTP_REASONS.get(code, "error"), f"HTTP {code}") from None
        except Timeout:
            raise self.failure("timeout", f"no answer within {self.timeout} s") from None
        except RequestException as exc:
            raise self.failure("error", f"could not reach the API: {type(exc).__name__}") from None
        return response.messages[0].message_id or ""

    def _last_status(self) -> str:
        """The first refused message's status code from the SMS API's answer."""
        # The SDK raised SmsError after parsing this very answer, so it is JSON with "messages".
        parts = self.client.http_client.last_response.json()["messages"]
        refused = [part for part in parts if str(part.get("status")) != "0"] or parts
        return str(refused[0].get("status", "unknown"))
