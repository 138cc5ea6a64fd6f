"""Parse what a person typed into an E.164 phone number; never raises on bad input.

phonenumbers validates a number against its region's metadata (dozens of regular expressions)
on every ``str()``, and django-phonenumber-field asks for that on every query that names a
number, every save and every row loaded: one sign-in validated the same number about nine
times. Here a string is parsed and validated once per process (``known_number``, a bounded
cache of what parsing found, never of objects that could be shared and changed), and the
``KnownNumber`` it gives remembers its validity and each format it was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from django.conf import settings
from phonenumber_field.phonenumber import PhoneNumber

from .conf import webotp_settings
from .test_numbers import fixed_code

__all__ = [
    "KnownNumber",
    "NumberFacts",
    "default_region",
    "display_number",
    "known_number",
    "masked_number",
    "number_facts",
    "parse_phone",
]

#: What ``phonenumbers.parse`` fills in, copied into each new ``KnownNumber``.
_FIELDS = (
    "country_code",
    "national_number",
    "extension",
    "italian_leading_zero",
    "number_of_leading_zeros",
    "raw_input",
    "country_code_source",
    "preferred_domestic_carrier_code",
)


class KnownNumber(PhoneNumber):
    """A ``PhoneNumber`` that works out whether it is valid, and each of its formats, once.

    Not to be changed after it is made (``merge_from``, setting a field): what it remembers
    would no longer be true. Nothing in django-webotp changes a number.
    """

    def is_valid(self) -> bool:
        valid: bool | None = self.__dict__.get("_valid")
        if valid is None:
            valid = self.__dict__["_valid"] = bool(super().is_valid())
        return valid

    def format_as(self, format: Any) -> str:
        formats: dict[Any, str] = self.__dict__.setdefault("_formats", {})
        text = formats.get(format)
        if text is None:
            text = formats[format] = super().format_as(format)
        return text


@lru_cache(maxsize=4096)
def _parsed(raw: str, region: str | None) -> tuple[tuple[Any, ...], bool] | None:
    try:
        number = PhoneNumber.from_string(raw, region=region)
    except phonenumbers.NumberParseException:
        return None
    return tuple(getattr(number, name) for name in _FIELDS), bool(number.is_valid())


@dataclass(frozen=True)
class NumberFacts:
    """What the defences ask of a valid number: its region, its type, its national digits."""

    country_code: int
    region: str | None
    number_type: int
    national: str


@lru_cache(maxsize=4096)
def number_facts(e164: str) -> NumberFacts | None:
    """The facts of an E.164 number (None when it is no number), worked out once per process:
    the region and the type are each another pass over the region's metadata."""
    number = known_number(e164)
    if number is None:
        return None
    return NumberFacts(
        country_code=int(number.country_code or 0),
        region=phonenumbers.region_code_for_number(number),
        number_type=phonenumbers.number_type(number),
        national=phonenumbers.national_significant_number(number),
    )


def known_number(raw: str, region: str | None = None) -> KnownNumber | None:
    """``raw`` parsed as phonenumbers parses it (valid or not); None when it is no number at all.

    A new object every time, made from a per-process cache of what parsing found. A number
    written with its "+" names its own country: the region does not matter, so it is not part
    of what the cache is keyed by.
    """
    found = _parsed(raw, None if raw.startswith("+") else region)
    if found is None:
        return None
    values, valid = found
    number = KnownNumber(**dict(zip(_FIELDS, values, strict=True)))
    number.__dict__["_valid"] = valid
    return number


def default_region() -> str | None:
    """Region for numbers typed without "+": WEBOTP_DEFAULT_REGION or PHONENUMBER_DEFAULT_REGION."""
    return webotp_settings.DEFAULT_REGION or getattr(settings, "PHONENUMBER_DEFAULT_REGION", None)


def parse_phone(raw: str, region: str | None = None) -> PhoneNumber | None:
    """A valid number (or a configured fictional test number), or None for anything else."""
    if not raw or len(raw) > 64:
        return None
    number = known_number(raw, region or default_region())
    if number is None:
        return None
    if number.is_valid() or fixed_code(number.as_e164) is not None:
        return number
    return None


def display_number(number: PhoneNumber | str | None) -> str:
    """A number as people read it: "07400 123456" where the site dials it without a country code
    (the country calling code of WEBOTP_DEFAULT_REGION, else PHONENUMBER_DEFAULT_REGION; a GB site
    so shows Guernsey's and Jersey's +44 numbers too), "+1 202-555-0123" anywhere else.

    For pages only: SMS text, API JSON and form values keep E.164, which machines read back.
    Anything but a valid number in E.164 (a username, a fictional test number, "") comes back
    as it was, never an exception. Each number is formatted once per process and site region.
    """
    if number is None:
        return ""
    if isinstance(number, str):
        text = number
    else:
        text = number.as_e164 if number.is_valid() else str(number)
    return _for_people(text, default_region())


@lru_cache(maxsize=4096)
def _for_people(text: str, region: str | None) -> str:
    if not text.startswith("+") or len(text) > 16:  # E.164: "+" and at most 15 digits
        return text
    number = known_number(text)
    if number is None or not number.is_valid() or number.as_e164 != text:
        return text
    home = phonenumbers.country_code_for_region(region.upper()) if region else 0
    national = number.country_code == home
    return number.as_national if national else number.as_international


def masked_number(number: PhoneNumber | str | None) -> str:
    """A number with all but its country code and last three digits hidden: "+44 ••• 456".

    For pages that remind a person which number is theirs without showing it to whoever looks
    over their shoulder (or at a screenshot).
    """
    if isinstance(number, str):
        try:
            number = PhoneNumber.from_string(number)
        except phonenumbers.NumberParseException:
            number = None
    country = getattr(number, "country_code", None)
    national = str(getattr(number, "national_number", "") or "")
    if not country or len(national) < 4:
        return "•••"
    return f"+{country} ••• {national[-3:]}"
