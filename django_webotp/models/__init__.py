"""Phone identities and the one-time-code challenges sent to them."""

from __future__ import annotations

from .challenge import Challenge
from .challenge_queries import ChallengeManager, ChallengeQuerySet
from .choices import DeliveryStatus, Purpose, Status, Verdict
from .events import DeliveryEvent
from .identity import PhoneIdentity, PhoneIdentityQuerySet

__all__ = [
    "Challenge",
    "ChallengeManager",
    "ChallengeQuerySet",
    "DeliveryEvent",
    "DeliveryStatus",
    "PhoneIdentity",
    "PhoneIdentityQuerySet",
    "Purpose",
    "Status",
    "Verdict",
]
