"""The origin-bound line: building it (strictly) and parsing it (as the spec says)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .hosts import OriginBoundFormatError, host_or_none, normalize_host

__all__ = [
    "OriginBoundCode",
    "OriginBoundFormatError",
    "build_message",
    "build_origin_bound_line",
    "check_android_app_hash",
    "parse_origin_bound_message",
]


@dataclass(frozen=True)
class OriginBoundCode:
    """What an origin-bound line says: the site, the code and, for an iframe, its host.

    Hosts are lower-case ASCII (an internationalised name is in its punycode form).
    """

    host: str
    code: str
    embedded_host: str | None = None


# The spec's "ASCII whitespace" (Infra): TAB, LF, FF, CR, SPACE. A marked token runs to the next.
_ASCII_WHITESPACE = frozenset("\t\n\f\r ")
# Chrome looks for its pattern anywhere in the message, not only on the last line, and takes the
# first match: explanatory text containing "@host #code" would be read instead of our line.
_BOUND_LOOKALIKE = re.compile(r"(?:^|\s)@[A-Za-z0-9.-]+ #[^#\s]")
# Google Play services' app hash: the first 11 characters of a standard base64 SHA-256 digest.
_ANDROID_APP_HASH = re.compile(r"[A-Za-z0-9+/]{11}")


# --- building --------------------------------------------------------------------------------


def _require_str(part: str, value: object) -> str:
    if not isinstance(value, str):
        raise OriginBoundFormatError(f"{part} must be a str, not {type(value).__name__}")
    return value


def _bare_host(part: str, raw: object) -> str:
    value = _require_str(part, raw)
    try:
        return normalize_host(value)
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


def _marked_token(line: str, position: int, marker: str) -> tuple[str | None, int]:
    """The spec's "extract a marked token": the run of non-whitespace after ``marker`` at
    ``position``, and the position after it; None (failure) when there is no such run."""
    if position >= len(line) or line[position] != marker:
        return None, position
    position += 1
    start = position
    while position < len(line) and line[position] not in _ASCII_WHITESPACE:
        position += 1
    return (line[start:position] or None), position


def _read_line(line: str) -> tuple[str, str, str | None] | None:
    """The spec's "parse an origin-bound one-time code message" on the last line, step by step:
    the top-level host, the code and the embedded host (None), as tokens; None for failure.

    After the code, only a SPACE starts the embedded part: any other whitespace (a tab), or a
    SPACE not followed by a marked token, ends what the line says, and the rest is ignored.
    """
    host, position = _marked_token(line, 0, "@")
    if host is None or position >= len(line) or line[position] != " ":
        return None
    code, position = _marked_token(line, position + 1, "#")
    if code is None:
        return None
    embedded = None
    if position < len(line) and line[position] == " ":
        embedded, position = _marked_token(line, position + 1, "@")
    return host, code, embedded


def parse_origin_bound_message(message: str) -> OriginBoundCode | None:
    """The origin-bound code in ``message``'s last line, or None if it has none.

    The spec's algorithm, exactly: the last line must start ``"@host #code"`` (one space between,
    nothing before the "@", so a message ending in a newline has an empty last line and no code);
    the code is any run of non-whitespace characters; if one SPACE and ``"@embedded-host"``
    follow, that is the embedded host; anything else after the code is ignored ("Trailing text
    in the last line is ignored"), a tab included. Hosts must be DNS names (a single label such
    as "localhost" is allowed) or dotted-quad IPv4 addresses, with no scheme, port, path or user
    (a line naming any other host, top-level or embedded, gives None); they come back
    lower-cased, an internationalised name in its punycode form (UTS #46, as browsers map it).
    Never raises.
    """
    if not isinstance(message, str):
        return None
    tokens = _read_line(_last_line(message))
    if tokens is None:
        return None
    raw_host, code, raw_embedded = tokens
    host = host_or_none(raw_host)
    if host is None:
        return None
    embedded_host = None
    if raw_embedded is not None:
        embedded_host = host_or_none(raw_embedded)
        if embedded_host is None:
            return None
    return OriginBoundCode(host=host, code=code, embedded_host=embedded_host)
