"""Signals for every event in a code's life and a passkey's, for audit logs and alerting.

The code signals are sent with ``request`` (or None), ``phone_number`` (E.164 string),
``purpose``, and, where it applies, ``challenge`` and ``reason``; the passkey signals with
``request``, ``user`` and ``passkey`` (a ``Passkey``). What each one means, and the arguments it
has beyond those, is the ``#:`` comment above it (the documentation's signals reference is made
from these comments).
"""

from typing import Any

from django.dispatch import Signal

__all__ = [
    "budget_exceeded",
    "challenge_locked",
    "code_failed",
    "code_rejected",
    "code_requested",
    "code_sent",
    "code_verified",
    "delivery_stalled",
    "delivery_status_changed",
    "passkey_cloned",
    "passkey_recovery_started",
    "passkey_recovery_used",
    "passkey_registered",
    "passkey_removed",
    "passkey_used",
    "phone_changed",
    "rate_limited",
    "send_about",
]

#: A code was asked for, before any limit or budget is applied.
code_requested = Signal()
#: The SMS provider took the message (from the task worker with WEBOTP_DELIVERY = "task",
#: ``request=None``).
code_sent = Signal()
#: The SMS could not be sent: the challenge is closed and marked failed.
#: Arguments: ``reason``.
code_failed = Signal()
#: A right code was entered: the person is signed in, or the step is done.
code_verified = Signal()
#: A code was refused.
#: Arguments: ``reason``: ``wrong``, ``locked``, ``expired``, ``used``, ``replaced``,
#: ``undelivered``.
code_rejected = Signal()
#: Too many wrong codes: the challenge accepts no more.
challenge_locked = Signal()
#: A rate limit refused a request.
#: Arguments: ``reason``: ``phone``, ``ip``, ``verify``.
rate_limited = Signal()
#: An SMS budget refused a code; alert on it (SMS pumping looks like this).
#: Arguments: ``reason``: the scope (``ip``, ``network``, ``number``, ``prefix``, ``country``,
#: ``global``), ``scope_value``, ``rate``, ``retry_after``.
budget_exceeded = Signal()
#: A verified new number replaced the account's numbers.
#: Arguments: ``request``, ``user``, ``phone_number`` (the new one), ``old_numbers`` (a list),
#: ``username_changed`` (True when the user, named after its old number, was renamed after the
#: new one; False too when another account has that name, which a warning logs).
phone_changed = Signal()
#: ``manage.py webotp_sweep`` found the oldest queued code older than
#: WEBOTP_QUEUE_STALL_AFTER: the task workers are down or behind.
#: Arguments: ``age`` (seconds), ``queued`` (how many wait); no code arguments.
delivery_stalled = Signal()
#: A provider's delivery receipt moved a challenge's delivery status, once the change is
#: committed; a repeated or out-of-order receipt that changes nothing sends nothing.
#: Arguments: ``challenge``, ``old_status``, ``new_status``, ``provider`` ("twilio", "vonage",
#: "webhook"), ``receipt`` (its ``raw_status``, ``error_code`` and ``message_id``).
delivery_status_changed = Signal()
#: A passkey was added to an account.
passkey_registered = Signal()
#: A passkey signed its account in (no SMS was sent).
passkey_used = Signal()
#: A passkey was deleted (the row is gone; ``passkey`` keeps its fields).
passkey_removed = Signal()
#: A passkey's answer was refused because its counter did not move past the last one: a copy
#: of the credential may be in use.
#: Arguments: ``sign_count`` (the counter the refused answer gave).
passkey_cloned = Signal()
#: A right SMS code to an account that has a passkey started the wait of a recovery by SMS
#: (WEBOTP_PASSKEY_SMS = "recovery", WEBOTP_PASSKEY_RECOVERY_WAIT): tell the owner, who can call
#: it off by signing in with the passkey.
#: Arguments: ``ready_at`` (when a right code will sign in); no ``passkey``.
passkey_recovery_started = Signal()
#: An account that has a passkey was signed in by SMS as a recovery (WEBOTP_PASSKEY_SMS =
#: "recovery"): tell the owner.
#: Arguments: ``phone_number`` (the number the code went to); no ``passkey``.
passkey_recovery_used = Signal()


def send_about(signal: Signal, request: Any, challenge: Any, **extra: Any) -> None:
    """Send ``signal`` about ``challenge`` with the arguments every code signal carries."""
    signal.send(
        sender=type(challenge),
        request=request,
        phone_number=challenge.phone,
        purpose=challenge.purpose,
        challenge=challenge,
        **extra,
    )
