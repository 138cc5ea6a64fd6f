"""Phone identities, the one-time-code challenges sent to them, and passkeys."""

from __future__ import annotations

from .challenge import Challenge
from .challenge_queries import ChallengeManager, ChallengeQuerySet
from .choices import DeliveryStatus, Purpose, Status, Verdict
from .events import DeliveryEvent
from .identity import PhoneIdentity, PhoneIdentityQuerySet
from .passkey import Passkey, PasskeyQuerySet, PasskeyUser

__all__ = [
    "Challenge",
    "ChallengeManager",
    "ChallengeQuerySet",
    "DeliveryEvent",
    "DeliveryStatus",
    "PhoneIdentity",
    "PhoneIdentityQuerySet",
    "Passkey",
    "PasskeyQuerySet",
    "PasskeyUser",
    "Purpose",
    "Status",
    "Verdict",
]
