"""Parse what a person typed into an E.164 phone number; never raises on bad input."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from phonenumber_field.phonenumber import PhoneNumber

from .conf import webotp_settings

__all__ = ["default_region", "destination_refusal", "parse_phone"]


def default_region() -> str | None:
    """Region for numbers typed without "+": WEBOTP_DEFAULT_REGION or PHONENUMBER_DEFAULT_REGION."""
    return webotp_settings.DEFAULT_REGION or getattr(settings, "PHONENUMBER_DEFAULT_REGION", None)


def parse_phone(raw: str, region: str | None = None) -> PhoneNumber | None:
    """A valid number, or None for anything that is not one."""
    if not raw or len(raw) > 64:
        return None
    try:
        number = PhoneNumber.from_string(raw, region=region or default_region())
    except phonenumbers.NumberParseException:
        return None
    return number if number.is_valid() else None


def destination_refusal(number: PhoneNumber) -> str | None:
    """Why codes may not be sent to ``number`` ("region" or "number_type"), or None if they may.

    Premium-rate, shared-cost and other numbers that cannot receive a code are how SMS pumping
    turns a sign-in form into someone else's revenue; they are refused before anything is sent.
    """
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
