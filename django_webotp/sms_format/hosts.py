"""The host names an origin-bound line may name: plain DNS names or dotted-quad IPv4 addresses.

No scheme, port, path or user; an internationalised name is taken in its punycode form.
OriginBoundFormatError is defined here, where the first of its reasons is found.
"""

from __future__ import annotations

import re

import idna

__all__ = ["OriginBoundFormatError", "host_or_none", "normalize_host", "without_port"]


class OriginBoundFormatError(ValueError):
    """A host, code or text that would not make a message browsers can read."""


_MAX_HOST_LENGTH = 253
_MAX_LABEL_LENGTH = 63
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# A last label that a URL parser would take as the end of an IPv4 address (decimal or hex).
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_IPV4_OCTET = re.compile(r"0|[1-9][0-9]{0,2}")
_HOST_SEPARATORS = frozenset(":/\\?#@[]%")


def _to_ascii(raw: str) -> str:
    """``raw`` with any internationalised labels in punycode, mapped as browsers map them.

    UTS #46 non-transitional processing (what the URL Standard, and so every browser, uses):
    "faß.de" is "xn--fa-hia.de". Python's "idna" codec is IDNA 2003, which maps it to "fass.de",
    a different site, so a code bound with it would never be offered.
    """
    if raw.isascii():
        return raw
    try:
        return idna.encode(raw, uts46=True).decode("ascii")
    except UnicodeError:  # idna.IDNAError is a UnicodeError
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


def normalize_host(raw: str) -> str:
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


def host_or_none(raw: str) -> str | None:
    try:
        return normalize_host(raw)
    except OriginBoundFormatError:
        return None


def without_port(host: str) -> str:
    """A Host header's host, lower-cased, without its port: "[::1]:8000" -> "[::1]" (an IPv6
    literal's), "Example.com:8000" -> "example.com" (a name's)."""
    raw = host.lower()
    return raw[: raw.index("]") + 1] if raw.startswith("[") else raw.rsplit(":", 1)[0]
