"""Make a challenge's code and check a submitted one; nothing secret is ever stored.

The code is an RFC 4226 HOTP value whose key is derived from ``SECRET_KEY`` and the challenge's
random id, purpose and phone number, and, for a confirmation, the digest of the action it
confirms. The database holds only the id, so a leaked table gives an attacker nothing to compute
codes from, and a code made for one purpose, number or action cannot verify another.
"""

from __future__ import annotations

import base64
import hmac

import pyotp
from django.utils.crypto import salted_hmac

__all__ = ["check_code", "codes_equal", "make_code"]

_KEY_SALT = "django_webotp.codes"


def _hotp(challenge_id: str, purpose: str, phone_number: str, digits: int, action_digest: str):
    material = f"{challenge_id}\x1f{purpose}\x1f{phone_number}"
    if action_digest:
        # Appended only when there is one, so the codes of the other purposes stay as they were
        # (a deploy does not break the codes already on their way).
        material += f"\x1f{action_digest}"
    key = salted_hmac(_KEY_SALT, material, algorithm="sha256").digest()
    return pyotp.HOTP(base64.b32encode(key).decode("ascii"), digits=digits)


def make_code(
    challenge_id: str, purpose: str, phone_number: str, digits: int, action_digest: str = ""
) -> str:
    """The code for this challenge (the same every time it is asked)."""
    return _hotp(challenge_id, purpose, phone_number, digits, action_digest).at(0)


def check_code(
    challenge_id: str,
    purpose: str,
    phone_number: str,
    digits: int,
    submitted: str,
    action_digest: str = "",
) -> bool:
    """Whether ``submitted`` is this challenge's code, compared in constant time."""
    expected = make_code(challenge_id, purpose, phone_number, digits, action_digest)
    return codes_equal(expected, submitted)


def codes_equal(expected: str, submitted: str) -> bool:
    """Whether two codes are the same, compared in constant time."""
    return hmac.compare_digest(str(expected).encode(), str(submitted).encode())
