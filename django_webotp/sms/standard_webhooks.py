"""Standard Webhooks signatures (https://www.standardwebhooks.com/), with the standard library.

Three headers: ``webhook-id`` (the message's id, the same on a retry), ``webhook-timestamp``
(Unix seconds) and ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256 of
``"{id}.{timestamp}.{body}"``, space-separated when there are several (while a secret is being
rotated). The key is the secret after ``whsec_``, base64-decoded, so any Standard Webhooks
library verifies our requests and signs receipts we accept. A secret without that prefix is
used as its UTF-8 bytes (hand the library those bytes). Signatures are compared in constant
time, and a timestamp further than the tolerance from now, either way, is refused: a captured
request cannot be replayed later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

__all__ = ["ID_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "headers", "key", "sign", "verify"]

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
PREFIX = "whsec_"
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def key(secret: str) -> bytes:
    """The HMAC key a secret stands for: base64 after ``whsec_``, else its UTF-8 bytes."""
    if not secret.startswith(PREFIX):
        return secret.encode()
    try:
        decoded = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if not decoded:
        raise ImproperlyConfigured(
            "WEBOTP_WEBHOOK_SECRET starts with whsec_ but is not followed by base64."
        )
    return decoded


def sign(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """The ``webhook-signature`` value (one ``v1,`` signature) for ``body``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(secret: str, message_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The three headers that sign a request with ``body``, as of ``now``."""
    timestamp = str(int(time.time() if now is None else now))
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str,
    received: Mapping[str, str],
    body: bytes,
    tolerance: int,
    now: float | None = None,
) -> bool:
    """Whether ``received`` (the request's headers) sign ``body`` within ``tolerance`` s of now."""
    found = {name.lower(): value for name, value in received.items()}
    message_id = found.get(ID_HEADER, "")
    timestamp = found.get(TIMESTAMP_HEADER, "")
    signatures = found.get(SIGNATURE_HEADER, "")
    # ASCII digits only: "²".isdigit() is true but int() refuses it.
    if not (secret and message_id and _UNIX_SECONDS.fullmatch(timestamp) and signatures):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    if not (message_id.isascii() and signatures.isascii()):
        return False
    expected = sign(secret, message_id, timestamp, body)
    matches = [hmac.compare_digest(expected, given) for given in signatures.split(" ")]
    return any(matches)  # every one compared: the time taken says nothing of which matched
