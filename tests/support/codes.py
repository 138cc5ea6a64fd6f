"""Codes for the tests to type."""

from __future__ import annotations


def wrong_code(code: str | None, length: int = 6) -> str:
    """A well-formed code that is surely not ``code``: each digit moved on by one.

    Same length and all digits, so it is checked (and counts as an attempt) rather than refused
    as malformed. ``None`` (no code known) gives ``length`` zeros.
    """
    if code is None:
        return "0" * length
    return "".join(str((int(digit) + 1) % 10) for digit in code)
