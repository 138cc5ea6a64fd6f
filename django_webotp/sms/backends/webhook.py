"""POSTs each SMS as signed JSON to your own gateway: for in-house and less common providers.

Request: ``POST WEBOTP_WEBHOOK_URL`` with ``Content-Type: application/json`` and the body
``{"id": "<message id>", "to": "+E164", "body": "<text>"}``, signed with
``WEBOTP_WEBHOOK_SECRET`` as Standard Webhooks specifies (``webhook-id``, the message id;
``webhook-timestamp``; ``webhook-signature``: see ``sms/standard_webhooks.py``), so any Standard
Webhooks library verifies it. While ``WEBOTP_WEBHOOK_LEGACY_SIGNATURES`` is on (deprecated, the
default for this release), it also carries the old headers:

* ``X-WebOTP-Timestamp``: Unix time in whole seconds when the request was signed;
* ``X-WebOTP-Signature``: ``v1=`` and the lowercase hex HMAC-SHA256, keyed with
  ``WEBOTP_WEBHOOK_SECRET``, of the timestamp, a ".", and the raw body bytes.

The gateway answers 2xx once it has taken the message; the ``id`` we sent is the provider
message id, which its delivery receipts (signed the same way, see ``receipts/webhook.py``) refer
to. Any other answer is a failure: 401/403 "auth", 429 "throttled", 408/504 "timeout", or the
``reason`` in a JSON body ``{"reason": "invalid_number"}``; redirects are not followed.
Only the standard library is used. docs/howto/webhook.md has the full specification.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Hashable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ... import __version__
from .. import standard_webhooks
from .provider import REASONS, ProviderSmsBackend

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "SmsBackend", "sign", "verify"]

TIMESTAMP_HEADER = "X-WebOTP-Timestamp"
SIGNATURE_HEADER = "X-WebOTP-Signature"
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
HTTP_REASONS = {401: "auth", 403: "auth", 408: "timeout", 429: "throttled", 504: "timeout"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The old (deprecated) ``X-WebOTP-Signature`` value for ``body`` signed at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    tolerance: int,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` signs ``body`` at ``timestamp``, within ``tolerance`` s of now."""
    # ASCII digits only: "²".isdigit() is true but int() refuses it; 12 digits last past 33000 AD.
    if not (secret and _UNIX_SECONDS.fullmatch(timestamp) and signature and signature.isascii()):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would replay the signed code to another URL: treat it as the answer."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class SmsBackend(ProviderSmsBackend):
    name = "webhook"
    label = "The SMS gateway"
    check_id = "webotp.E013"
    options = {
        "url": "WEBHOOK_URL",
        "secret": "WEBHOOK_SECRET",
        "timeout": "WEBHOOK_TIMEOUT",
        "legacy_signatures": "WEBHOOK_LEGACY_SIGNATURES",
    }
    required = ("url", "secret")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not str(self.config["url"]).startswith(("https://", "http://")):
            raise ImproperlyConfigured("WEBOTP_WEBHOOK_URL must be an http:// or https:// URL.")
        standard_webhooks.key(self.config["secret"])  # a malformed whsec_ secret: said at once

    def client_key(self) -> Hashable:
        return ()  # the opener holds no setting: one for every gateway

    def build_client(self) -> urllib.request.OpenerDirector:
        # urllib opens a connection per request (no keep-alive); the opener itself is shared.
        return urllib.request.build_opener(_NoRedirect)

    def request(self, message: Any, message_id: str) -> urllib.request.Request:
        payload = {"id": message_id, "to": message.to, "body": message.body}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        now = time.time()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"django-webotp/{__version__}",
            **standard_webhooks.headers(self.config["secret"], message_id, body, now),
        }
        if self.config["legacy_signatures"]:
            timestamp = str(int(now))
            headers[TIMESTAMP_HEADER] = timestamp
            headers[SIGNATURE_HEADER] = sign(self.config["secret"], timestamp, body)
        url = self.config["url"]  # http(s) only: checked in __init__
        return urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310

    def send_message(self, message: Any) -> str:
        message_id = uuid.uuid4().hex
        try:
            # Only a 2xx answer comes back from open(); every other one raises HTTPError.
            request = self.request(message, message_id)
            self.client.open(request, timeout=self.call_timeout()).close()
        except urllib.error.HTTPError as exc:
            with exc:
                raise self.failure(self._reason(exc), f"HTTP {exc.code}") from None
        except TimeoutError:
            raise self.failure("timeout", f"no answer within {self.timeout} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self.failure("timeout", f"no answer within {self.timeout} s") from None
            raise self.failure(
                "error", f"could not reach it: {type(exc.reason).__name__}"
            ) from None
        except OSError as exc:
            raise self.failure("error", f"could not reach it: {type(exc).__name__}") from None
        return message_id

    @staticmethod
    def _reason(exc: urllib.error.HTTPError) -> str:
        if exc.code in HTTP_REASONS:
            return HTTP_REASONS[exc.code]
        try:
            reason = json.loads(exc.read(4096)).get("reason")
        except (ValueError, AttributeError, OSError):
            reason = None
        return reason if reason in REASONS else "error"
