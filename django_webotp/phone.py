"""Parse what a person typed into an E.164 phone number; never raises on bad input."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from phonenumber_field.phonenumber import PhoneNumber

from .conf import webotp_settings
from .test_numbers import fixed_code

__all__ = ["default_region", "destination_refusal", "parse_phone"]


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


def destination_refusal(number: PhoneNumber) -> str | None:
    """Why codes may not be sent to ``number`` ("region" or "number_type"), or None if they may.

    Premium-rate, shared-cost and other numbers that cannot receive a code are how SMS pumping
    turns a sign-in form into someone else's revenue; they are refused before anything is sent.
    A WEBOTP_TEST_NUMBERS number is never refused: no SMS is ever sent to it.
    """
    if fixed_code(number.as_e164) is not None:
        return None
    region = phonenumbers.region_code_for_number(number)
    allowed = webotp_settings.ALLOWED_REGIONS
    if (allowed is not None and region not in allowed) or region in (
        webotp_settings.BLOCKED_REGIONS or ()
    ):
        return "region"
    number_type = phonenumbers.number_type(number)
    allowed_types = {
        getattr(phonenumbers.PhoneNumberType, name) for name in webotp_settings.ALLOWED_NUMBER_TYPES
    }
    if number_type not in allowed_types:
        return "number_type"
    return None
