"""Checks of WEBOTP_TEST_NUMBERS, the fixed numbers and codes that sign in without an SMS."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.checks import Error

from ..conf import webotp_settings
from .messages import E008, E009

__all__ = ["E164_RE", "TEST_CODE_RE", "test_number_errors"]

E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
TEST_CODE_RE = re.compile(r"^[0-9]{4,10}$")


def _test_number_problem(numbers) -> str | None:
    if not isinstance(numbers, dict):
        return f"{numbers!r} is not a dict"
    for number, code in numbers.items():
        if not isinstance(number, str) or not E164_RE.match(number):
            return f"{number!r} is not an E.164 number such as '+15555550100'"
        if not isinstance(code, str) or not TEST_CODE_RE.match(code):
            return f"the code of {number} must be a string of 4 to 10 digits, not {code!r}"
    return None


def test_number_errors() -> list:
    numbers = webotp_settings.TEST_NUMBERS
    if not numbers:
        return []
    errors = []
    problem = _test_number_problem(numbers)
    if problem:
        errors.append(Error(E009.format(problem=problem), id="webotp.E009"))
    if not settings.DEBUG and webotp_settings.TEST_NUMBERS_IN_PRODUCTION is not True:
        errors.append(
            Error(
                E008,
                hint=(
                    "Anyone who knows a test number and its code signs in as it. Remove "
                    "WEBOTP_TEST_NUMBERS, or set WEBOTP_TEST_NUMBERS_IN_PRODUCTION = True to "
                    "acknowledge that (for app-store review, for example)."
                ),
                id="webotp.E008",
            )
        )
    return errors
