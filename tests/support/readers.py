"""Chrome's reading of an origin-bound SMS, to check ours against.

content/browser/sms/sms_parser.cc searches the whole message for this pattern (RE2, first
match), copied here as CHROME_OTP_REGEX.
"""

from __future__ import annotations

import re

from django_webotp.sms_format import OriginBoundCode

CHROME_OTP_REGEX = re.compile(r"(?:^|\s)@([a-zA-Z0-9.-]+) #([^#\s]+)(?: @([a-zA-Z0-9.-]+))?")


def chrome_reads(message: str) -> OriginBoundCode | None:
    """What Chrome's Web OTP parser takes from ``message`` (None: it offers no code)."""
    match = CHROME_OTP_REGEX.search(message)
    if match is None:
        return None
    host, code, embedded = match.groups()
    return OriginBoundCode(host.lower(), code, embedded and embedded.lower())
