"""Where codes may go: the allowed regions and number types (SMS pumping starts at the form)."""

from __future__ import annotations

import phonenumbers
from phonenumber_field.phonenumber import PhoneNumber

from ..conf import webotp_settings
from ..phone import number_facts
from ..test_numbers import fixed_code
from .refusal import Refusal

__all__ = ["destination_refusal"]


def destination_refusal(number: PhoneNumber) -> Refusal | None:
    """Why codes may not be sent to ``number`` (reason "region" or "number_type"), or None.

    Premium-rate, shared-cost and other numbers that cannot receive a code are how SMS pumping
    turns a sign-in form into someone else's revenue; they are refused before anything is sent.
    A WEBOTP_TEST_NUMBERS number is never refused: no SMS is ever sent to it.
    """
    e164 = number.as_e164
    if fixed_code(e164) is not None:
        return None
    facts = number_facts(e164)
    region = facts.region if facts is not None else None
    allowed = webotp_settings.ALLOWED_REGIONS
    if (allowed is not None and region not in allowed) or region in (
        webotp_settings.BLOCKED_REGIONS or ()
    ):
        return Refusal("region")
    number_type = facts.number_type if facts is not None else None
    allowed_types = {
        getattr(phonenumbers.PhoneNumberType, name) for name in webotp_settings.ALLOWED_NUMBER_TYPES
    }
    if number_type not in allowed_types:
        return Refusal("number_type")
    return None
