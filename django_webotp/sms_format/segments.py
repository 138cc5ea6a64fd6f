"""SMS length and encoding: whether a body fits the GSM 7-bit alphabet, and how many segments
it is sent as."""

from __future__ import annotations

__all__ = ["is_gsm7", "sms_segments"]

# GSM 03.38 default alphabet (ESC, 0x1B, left out: it only introduces the extension table).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each of these is sent as ESC plus a character, so it costs two septets.
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7_SINGLE, _GSM7_PER_PART = 160, 153
_UCS2_SINGLE, _UCS2_PER_PART = 70, 67


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
