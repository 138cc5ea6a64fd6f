"""Fixed test numbers (``WEBOTP_TEST_NUMBERS``): fictional numbers that sign in with a fixed code.

App-store reviewers and demos need a number that works without a phone, as Firebase's fictional
test numbers do. No SMS is sent to such a number; its fixed code is judged by the same conditional
UPDATEs as a real code, so it still works once per challenge and still counts attempts. Every use
is logged on the "django_webotp" logger at WARNING, so a production log shows each one.
"""

from __future__ import annotations

import logging

from .conf import webotp_settings

__all__ = ["fixed_code", "log_use"]

logger = logging.getLogger("django_webotp")


def fixed_code(phone_number: str) -> str | None:
    """The fixed code of a test number (E.164, as configured), or None for a real number."""
    numbers = webotp_settings.TEST_NUMBERS
    if not isinstance(numbers, dict):  # reported by the system check webotp.E009
        return None
    code = numbers.get(str(phone_number))
    return code if isinstance(code, str) else None


def log_use(phone_number: str, event: str) -> None:
    logger.warning("WEBOTP_TEST_NUMBERS: test number %s: %s.", phone_number, event)
