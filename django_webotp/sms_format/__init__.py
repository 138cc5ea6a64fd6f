"""The origin-bound one-time-code line that browsers read from an SMS, and SMS segment counting.

Chrome's Web OTP API, and Safari's autofill of domain-bound codes, take the code from an SMS whose
last line binds it to a site, as described in the WICG draft "Origin-bound one-time codes
delivered via SMS" (https://wicg.github.io/sms-one-time-codes/)::

    123456 is your Example sign-in code.

    @example.com #123456

A code meant for a cross-origin iframe names the iframe's host after the code::

    @top.example #123456 @embedded.example

The parser follows the spec's algorithm: only the last line counts, it starts with "@", one space
separates the parts, and text after one more space is ignored. Hosts must be plain DNS names or
dotted-quad IPv4 addresses (no scheme, port or path). The builders are stricter still: they write
the bare "@host #code[ @embedded]" line, followed at most by one space and one word of
``trailing_text`` that every reader skips, such as an Android SMS Retriever app hash::

    @example.com #123456 FA+9qCX9VSu

Everything here is a pure function of its arguments; nothing needs Django to be configured.
``origin_bound`` builds and parses the line, ``hosts`` says which hosts it may name, and
``segments`` counts what a body costs to send.
"""

from __future__ import annotations

from .origin_bound import (
    OriginBoundCode,
    OriginBoundFormatError,
    build_message,
    build_origin_bound_line,
    check_android_app_hash,
    parse_origin_bound_message,
)
from .segments import is_gsm7, sms_segments

__all__ = [
    "OriginBoundCode",
    "OriginBoundFormatError",
    "build_message",
    "build_origin_bound_line",
    "check_android_app_hash",
    "is_gsm7",
    "parse_origin_bound_message",
    "sms_segments",
]
