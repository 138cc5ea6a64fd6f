"""Vonage SMS API through the official SDK's SMS package: ``pip install django-webotp[vonage]``.

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
from collections.abc import Hashable
from importlib.metadata import version
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

_ERROR_CODE = re.compile(r"error code ([0-9]+)")


class SmsBackend(ProviderSmsBackend):
    name = "vonage"
    label = "Vonage"
    extra = "vonage"
    sdk_module = "vonage_sms"
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
        callback = self.config["status_callback"]
        if callback and len(callback) > 100:
            raise ImproperlyConfigured(
                "WEBOTP_VONAGE_STATUS_CALLBACK is over Vonage's 100 characters."
            )

    def client_key(self) -> Hashable:
        config = self.config
        return (config["api_key"], config["api_secret"], config["rest_host"], self.timeout)

    def build_client(self) -> Any:
        # The SMS API's own package and the SDK's HTTP client, not the whole SDK's facade.
        from vonage_http_client import Auth, HttpClient, HttpClientOptions
        from vonage_sms import Sms

        auth = Auth(api_key=self.config["api_key"], api_secret=self.config["api_secret"])
        # The SDK takes whole seconds; it retries nothing here, so failover can act quickly.
        options = {"timeout": max(math.ceil(self.timeout), 1), "max_retries": 0}
        if self.config["rest_host"]:
            options["rest_host"] = self.config["rest_host"]
        return Sms(HttpClient(auth, HttpClientOptions(**options), version("vonage-http-client")))

    def send_message(self, message: Any) -> str:
        from requests import RequestException, Timeout
        from vonage_http_client.errors import HttpRequestError
        from vonage_sms import PartialFailureError, SmsError
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
            response = self.client.send(VonageSms(**fields))
        except SmsError as exc:
            status = refused_status(exc, PartialFailureError)
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


def refused_status(exc: Exception, partial_failure: type[Exception]) -> str:
    """The first refused message's status code, from the error the SDK raised for it.

    Taken from the error, not from the shared client's ``last_response``: another thread's
    send may have replaced that since.
    """
    if isinstance(exc, partial_failure):
        parts = getattr(exc, "response", {}).get("messages", [])
        refused = [part for part in parts if str(part.get("status")) != "0"] or parts
        return str(refused[0].get("status", "unknown")) if refused else "unknown"
    # "Sms.send_message method failed with error code 4: Bad Credentials"
    found = _ERROR_CODE.search(str(exc))
    return found.group(1) if found else "unknown"
