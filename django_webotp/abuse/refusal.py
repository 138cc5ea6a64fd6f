"""The one answer every defence gives when it says no."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Refusal"]


@dataclass(frozen=True)
class Refusal:
    """A defence refused: which one, how long waiting takes, and what to tell the person.

    ``reason`` names the defence ("ip", "phone", "verify", "resend", "budget:<scope>", "bot",
    "region", "number_type", "no_phone"); it goes to signals and logs, never to the person.
    ``retry_after`` is the seconds until asking again can succeed, 0 when waiting alone does not
    help (a bot check, a number that may not receive codes). ``message`` is the defence's own
    sentence for the person where it has one (a bot check's); front ends word the others.
    """

    reason: str
    retry_after: int = 0
    message: str = ""

    @property
    def temporary(self) -> bool:
        """Waiting is the way on: a 429 with ``Retry-After``."""
        return self.retry_after > 0
