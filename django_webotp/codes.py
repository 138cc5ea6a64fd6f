"""Make a challenge's code and check a submitted one; nothing secret is ever stored.

The code is an RFC 4226 HOTP value (counter 0) whose key is derived from ``SECRET_KEY`` and the
challenge's random id, purpose and phone number, and, for a confirmation, the digest of the
action it confirms. The database holds only the id, so a leaked table gives an attacker nothing
to compute codes from, and a code made for one purpose, number or action cannot verify another.

HOTP's truncation keeps 31 bits, too few for more than 8 digits (a 10-digit code would have
2^31 values, not 10^10, and 9-digit codes would be biased): longer codes are the 256-bit HMAC
taken modulo 10^digits instead, every value as likely as any other to within 10^-66.

Codes are made with ``SECRET_KEY``; a submitted code is also checked against the keys in
``SECRET_KEY_FALLBACKS``, so rotating the key does not break the codes already on their way.
"""

from __future__ import annotations

import hashlib
import hmac

import pyotp
from django.conf import settings
from django.utils.crypto import salted_hmac

__all__ = ["HOTP_MAX_DIGITS", "check_code", "codes_equal", "make_code"]

_KEY_SALT = "django_webotp.codes"
#: The most digits an RFC 4226 value carries without bias; longer codes are derived otherwise.
HOTP_MAX_DIGITS = 8


def _key(challenge_id: str, purpose: str, phone_number: str, action_digest: str, secret) -> bytes:
    material = f"{challenge_id}\x1f{purpose}\x1f{phone_number}"
    if action_digest:
        # Appended only when there is one, so the codes of the other purposes stay as they were
        # (a deploy does not break the codes already on their way).
        material += f"\x1f{action_digest}"
    return salted_hmac(_KEY_SALT, material, secret=secret, algorithm="sha256").digest()


_COUNTER = (0).to_bytes(8, "big")  # one code per challenge: HOTP's counter is always 0
#: pyotp makes codes of 6 to 10 digits; a shorter RFC 4226 value is the end of the 6-digit one
#: (the truncated 31-bit number modulo 10^4 or 10^5, as the RFC computes it).
_PYOTP_MIN_DIGITS = 6


class _KeyedHOTP(pyotp.HOTP):
    """pyotp's HOTP on a key given as bytes: pyotp keeps secrets in base32 (as authenticator
    apps exchange them) and decodes the secret again for every code; ours never leaves memory."""

    def __init__(self, key: bytes, digits: int) -> None:
        self._key = key  # before pyotp's constructor, which checks the key's length
        super().__init__(_UNUSED_SECRET, digits=digits)

    def byte_secret(self) -> bytes:
        return self._key


#: What pyotp is given as a secret; ``byte_secret`` answers the real key instead.
_UNUSED_SECRET = ""


def _code(key: bytes, digits: int) -> str:
    if digits <= HOTP_MAX_DIGITS:
        # RFC 4226 HOTP (HMAC-SHA-1, dynamic truncation to 31 bits), counter 0, by pyotp.
        return _KeyedHOTP(key, max(digits, _PYOTP_MIN_DIGITS)).at(0)[-digits:]
    # The whole HMAC-SHA-256 as one 256-bit number: uniform modulo 10^digits.
    value = int.from_bytes(hmac.new(key, _COUNTER, hashlib.sha256).digest(), "big")
    return str(value % 10**digits).zfill(digits)


def make_code(
    challenge_id: str, purpose: str, phone_number: str, digits: int, action_digest: str = ""
) -> str:
    """The code for this challenge (the same every time it is asked), made with SECRET_KEY."""
    key = _key(challenge_id, purpose, phone_number, action_digest, settings.SECRET_KEY)
    return _code(key, digits)


def check_code(
    challenge_id: str,
    purpose: str,
    phone_number: str,
    digits: int,
    submitted: str,
    action_digest: str = "",
) -> bool:
    """Whether ``submitted`` is this challenge's code, made with SECRET_KEY or any of
    SECRET_KEY_FALLBACKS; compared in constant time against every key (no early exit)."""
    matched = False
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        key = _key(challenge_id, purpose, phone_number, action_digest, secret)
        matched |= codes_equal(_code(key, digits), submitted)
    return matched


def codes_equal(expected: str, submitted: str) -> bool:
    """Whether two codes are the same, compared in constant time."""
    return hmac.compare_digest(str(expected).encode(), str(submitted).encode())
