"""Parse what a person typed into an E.164 phone number; never raises on bad input."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from phonenumber_field.phonenumber import PhoneNumber

from .conf import webotp_settings
from .test_numbers import fixed_code

__all__ = ["default_region", "masked_number", "parse_phone"]


def default_region() -> str | None:
    """Region for numbers typed without "+": WEBOTP_DEFAULT_REGION or PHONENUMBER_DEFAULT_REGION."""
    return webotp_settings.DEFAULT_REGION or getattr(settings, "PHONENUMBER_DEFAULT_REGION", None)


def parse_phone(raw: str, region: str | None = None) -> PhoneNumber | None:
    """A valid number (or a configured fictional test number), or None for anything else."""
    if not raw or len(raw) > 64:
        return None
    try:
        number = PhoneNumber.from_string(raw, region=region or default_region())
    except phonenumbers.NumberParseException:
        return None
    if number.is_valid() or fixed_code(number.as_e164) is not None:
        return number
    return None


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
