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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class OriginBoundCode:
    """What an origin-bound line says: the site, the code and, for an iframe, its host.

    Hosts are lower-case ASCII (an internationalised name is in its punycode form).
    """

    host: str
    code: str
    embedded_host: str | None = None


class OriginBoundFormatError(ValueError):
    """A host, code or text that would not make a message browsers can read."""


# The spec's tokens are runs of anything but Infra's "ASCII whitespace": TAB, LF, FF, CR, SPACE.
_RUN = r"[^\t\n\f\r ]+"
# The whole last line: "@host #code", optionally followed by " @embedded-host", and nothing else.
# After the code: the end of the line, or one space and then either "@embedded-host" or anything
# else, which the spec ignores ("Trailing text in the last line is ignored").
_ORIGIN_BOUND_LINE = re.compile(rf"@({_RUN}) #({_RUN})(?: (?:@({_RUN}).*|(?!@).*))?")
# Chrome looks for its pattern anywhere in the message, not only on the last line, and takes the
# first match: explanatory text containing "@host #code" would be read instead of our line.
_BOUND_LOOKALIKE = re.compile(r"(?:^|\s)@[A-Za-z0-9.-]+ #[^#\s]")

_MAX_HOST_LENGTH = 253
_MAX_LABEL_LENGTH = 63
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# A last label that a URL parser would take as the end of an IPv4 address (decimal or hex).
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_IPV4_OCTET = re.compile(r"0|[1-9][0-9]{0,2}")
_HOST_SEPARATORS = frozenset(":/\\?#@[]%")
# Google Play services' app hash: the first 11 characters of a standard base64 SHA-256 digest.
_ANDROID_APP_HASH = re.compile(r"[A-Za-z0-9+/]{11}")

# GSM 03.38 default alphabet (ESC, 0x1B, left out: it only introduces the extension table).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each of these is sent as ESC plus a character, so it costs two septets.
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7_SINGLE, _GSM7_PER_PART = 160, 153
_UCS2_SINGLE, _UCS2_PER_PART = 70, 67


# --- hosts -----------------------------------------------------------------------------------


def _to_ascii(raw: str) -> str:
    """``raw`` with any internationalised labels in punycode (IDNA 2003, the "idna" codec)."""
    if raw.isascii():
        return raw
    try:
        return raw.encode("idna").decode("ascii")
    except UnicodeError:
        raise OriginBoundFormatError("is not a valid internationalised domain name") from None


def _is_a_label(label: str) -> bool:
    """Whether an "xn--" label decodes as punycode to a non-ASCII name."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError, IndexError):
        return False
    return bool(decoded) and not decoded.isascii()


def _is_ipv4(labels: list[str]) -> bool:
    """Whether the labels are a dotted-quad IPv4 address written the canonical way."""
    return len(labels) == 4 and all(
        _IPV4_OCTET.fullmatch(label) and int(label) <= 255 for label in labels
    )


def _check_label(label: str) -> None:
    if not label:
        raise OriginBoundFormatError("has an empty label")
    if len(label) > _MAX_LABEL_LENGTH:
        raise OriginBoundFormatError(f"has a label longer than {_MAX_LABEL_LENGTH} characters")
    if not _LABEL.fullmatch(label):
        raise OriginBoundFormatError(
            f"has the label {label!r}: only letters, digits and inner hyphens are allowed"
        )
    if label.startswith("xn--") and not _is_a_label(label):
        raise OriginBoundFormatError(f"has the label {label!r}, which is not valid punycode")


def _check_shape(raw: str) -> None:
    """Reject what is plainly not a bare host before any IDNA mapping can hide it."""
    if not raw:
        raise OriginBoundFormatError("is empty")
    if any(char.isspace() for char in raw):
        raise OriginBoundFormatError("contains whitespace")
    if not raw.isprintable():
        raise OriginBoundFormatError("contains a control or invisible character")
    found = sorted(_HOST_SEPARATORS.intersection(raw))
    if found:
        raise OriginBoundFormatError(
            f"is not a bare host name (no scheme, port, path or user): found {''.join(found)!r}"
        )


def _normalize_host(raw: str) -> str:
    """``raw`` as a lower-case ASCII host name; raises OriginBoundFormatError saying why not."""
    _check_shape(raw)
    host = _to_ascii(raw).lower()
    if len(host) > _MAX_HOST_LENGTH:
        raise OriginBoundFormatError(f"is longer than {_MAX_HOST_LENGTH} characters")
    labels = host.split(".")
    for label in labels:
        _check_label(label)
    if _NUMERIC_LABEL.fullmatch(labels[-1]) and not _is_ipv4(labels):
        raise OriginBoundFormatError("ends in a number but is not a dotted-quad IPv4 address")
    return host


def _host_or_none(raw: str) -> str | None:
    try:
        return _normalize_host(raw)
    except OriginBoundFormatError:
        return None


# --- building --------------------------------------------------------------------------------


def _require_str(part: str, value: object) -> str:
    if not isinstance(value, str):
        raise OriginBoundFormatError(f"{part} must be a str, not {type(value).__name__}")
    return value


def _bare_host(part: str, raw: object) -> str:
    value = _require_str(part, raw)
    try:
        return _normalize_host(value)
    except OriginBoundFormatError as exc:
        raise OriginBoundFormatError(f"{part} {value!r} {exc}") from None


def _checked_code(raw: object) -> str:
    code = _require_str("code", raw)
    if not code:
        raise OriginBoundFormatError("code is empty")
    if any(char.isspace() for char in code):
        raise OriginBoundFormatError(f"code {code!r} contains whitespace")
    if "#" in code or "@" in code:
        raise OriginBoundFormatError(f"code {code!r} contains '#' or '@'")
    return code


def _checked_trailing(raw: object) -> str | None:
    """One word that every reader skips: no whitespace (a line break would move the last line,
    a tab or a second space changes the reading), and no "@" or "#", so that it can never be
    taken for an embedded host or a code."""
    if raw is None:
        return None
    text = _require_str("trailing_text", raw)
    if not text:
        raise OriginBoundFormatError("trailing_text is empty")
    if any(char.isspace() for char in text) or not text.isprintable():
        raise OriginBoundFormatError(
            f"trailing_text {text!r} contains whitespace or an invisible character"
        )
    if "@" in text or "#" in text:
        raise OriginBoundFormatError(f"trailing_text {text!r} contains '#' or '@'")
    return text


def _checked(host: object, code: object, embedded_host: object) -> OriginBoundCode:
    """The builders' arguments, checked and normalised."""
    return OriginBoundCode(
        host=_bare_host("host", host),
        code=_checked_code(code),
        embedded_host=None if embedded_host is None else _bare_host("embedded_host", embedded_host),
    )


def _line(parts: OriginBoundCode, trailing_text: str | None = None) -> str:
    line = f"@{parts.host} #{parts.code}"
    if parts.embedded_host is not None:
        line += f" @{parts.embedded_host}"
    if trailing_text is not None:
        line += f" {trailing_text}"
    return line


def _parsing_back(message: str, expected: OriginBoundCode) -> str:
    """``message`` if it parses back to ``expected``: a safety net under the checks above."""
    if parse_origin_bound_message(message) != expected:
        raise OriginBoundFormatError(f"the message would not parse back: {message!r}")
    return message


def build_origin_bound_line(
    host: str,
    code: str,
    embedded_host: str | None = None,
    *,
    trailing_text: str | None = None,
) -> str:
    """The line binding ``code`` to ``host``: ``"@example.com #123456"``.

    With ``embedded_host`` (the host of a cross-origin iframe that asks for the code) the line is
    ``"@top.example #123456 @embedded.example"``. ``trailing_text``, one word without "@" or "#"
    such as an Android app hash (see check_android_app_hash), goes after one more space, where
    the spec's parser ignores it: ``"@example.com #123456 FA+9qCX9VSu"``. Hosts are lower-cased
    and internationalised names converted to punycode. Raises OriginBoundFormatError, naming the
    bad part, for a host that is not a bare host name, a code that is empty or holds whitespace,
    "#" or "@", or trailing text that is not one such word.
    """
    expected = _checked(host, code, embedded_host)
    line = _line(expected, _checked_trailing(trailing_text))
    return _parsing_back(line, expected)


def check_android_app_hash(value: object) -> str:
    """``value`` if it has the shape of an Android SMS Retriever app hash, else raises.

    Google Play services computes it from the app's package name and signing certificate: the
    first 11 characters of a base64 SHA-256 digest, so letters, digits, "+" and "/" only.
    """
    text = _require_str("the Android app hash", value)
    if not _ANDROID_APP_HASH.fullmatch(text):
        raise OriginBoundFormatError(
            f"the Android app hash {text!r} is not 11 characters of A-Z, a-z, 0-9, '+' and '/'"
        )
    return text


def build_message(
    text: str,
    host: str,
    code: str,
    embedded_host: str | None = None,
    *,
    trailing_text: str | None = None,
) -> str:
    """The whole SMS: ``text``, a blank line, then the origin-bound line, with no final newline.

    ``build_message("123456 is your Example sign-in code.", "example.com", "123456")`` is
    ``"123456 is your Example sign-in code.\\n\\n@example.com #123456"``. Trailing whitespace is
    stripped from ``text``; if nothing is left the message is the line alone. ``trailing_text``
    ends the line as in build_origin_bound_line. Raises OriginBoundFormatError for a bad host,
    code or trailing text (see build_origin_bound_line), or for ``text`` containing something
    shaped like "@host #code", which Chrome would read instead of the line.
    """
    expected = _checked(host, code, embedded_host)
    trailing = _checked_trailing(trailing_text)
    body = _require_str("text", text).rstrip()
    if _BOUND_LOOKALIKE.search(body):
        raise OriginBoundFormatError(
            "text contains something shaped like '@host #code', which Chrome would take as the "
            "origin-bound line"
        )
    line = _line(expected, trailing)
    return _parsing_back(f"{body}\n\n{line}" if body else line, expected)


# --- parsing ---------------------------------------------------------------------------------


def _last_line(message: str) -> str:
    """The text after the last line break (CR LF, CR or LF), as the spec's "last line"."""
    return message.replace("\r\n", "\n").replace("\r", "\n").rpartition("\n")[2]


def parse_origin_bound_message(message: str) -> OriginBoundCode | None:
    """The origin-bound code in ``message``'s last line, or None if it has none.

    The last line must be ``"@host #code"`` or ``"@host #code @embedded-host"``, one space between
    the parts and nothing before the "@" (so a message ending in a newline has an empty last line
    and no code); text after one more space is ignored, as the spec says. The code is any run of
    non-whitespace characters. Hosts must be DNS names (a single label such as "localhost" is
    allowed) or dotted-quad IPv4 addresses, with no scheme, port, path or user; they come back
    lower-cased, an internationalised name in its punycode form. Never raises.
    """
    if not isinstance(message, str):
        return None
    match = _ORIGIN_BOUND_LINE.fullmatch(_last_line(message))
    if match is None:
        return None
    raw_host, code, raw_embedded = match.groups()
    host = _host_or_none(raw_host)
    if host is None:
        return None
    embedded_host = None
    if raw_embedded is not None:
        embedded_host = _host_or_none(raw_embedded)
        if embedded_host is None:
            return None
    return OriginBoundCode(host=host, code=code, embedded_host=embedded_host)


# --- SMS segments ----------------------------------------------------------------------------


def is_gsm7(body: str) -> bool:
    """Whether ``body`` can be sent in the GSM 7-bit alphabet (with its extension table)."""
    return all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in body)


def _count_parts(weights: list[int], single: int, per_part: int) -> int:
    """Parts needed for these character sizes; a character is never split between two parts."""
    if sum(weights) <= single:
        return 1
    parts, used = 1, 0
    for weight in weights:
        if used + weight > per_part:
            parts, used = parts + 1, 0
        used += weight
    return parts


def sms_segments(body: str) -> int:
    """How many SMS segments ``body`` is sent as (1 for an empty body).

    GSM 7-bit: 160 septets in one SMS, 153 per part of a longer one, extension-table characters
    (such as "€", "[", "{") costing two. Anything else goes as UCS-2: 70 UTF-16 code units in one
    SMS, 67 per part, a character outside the BMP costing two. As phones do, an escape sequence or
    a surrogate pair is never split across parts.
    """
    if is_gsm7(body):
        weights = [2 if char in _GSM7_EXTENSION else 1 for char in body]
        return _count_parts(weights, _GSM7_SINGLE, _GSM7_PER_PART)
    weights = [2 if ord(char) > 0xFFFF else 1 for char in body]
    return _count_parts(weights, _UCS2_SINGLE, _UCS2_PER_PART)
