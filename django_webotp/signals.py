"""Signals for every event in a code's life, for audit logs and alerting.

Each is sent with ``request`` (or None), ``phone_number`` (E.164 string), ``purpose``, and,
where it applies, ``challenge`` and ``reason``. ``phone_changed`` is sent with ``request``,
``user``, ``phone_number`` (the new number) and ``old_numbers`` (the numbers it replaced, a list).
``delivery_stalled`` is sent by ``manage.py webotp_sweep`` with ``age`` (seconds the oldest
queued code has waited for a worker) and ``queued`` (how many wait), when the age passes
WEBOTP_QUEUE_STALL_AFTER: the task workers are down or behind.

The passkey signals are sent with ``request``, ``user`` and ``passkey`` (a ``Passkey``):
``passkey_registered`` once one is added, ``passkey_used`` when it signs its user in,
``passkey_removed`` when it is deleted (the row is gone; ``passkey`` keeps its fields), and
``passkey_cloned`` with ``sign_count`` (the counter the refused answer gave, not past the last
one: a copy of the credential may be in use).
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
    "passkey_cloned",
    "passkey_registered",
    "passkey_removed",
    "passkey_used",
    "phone_changed",
    "rate_limited",
    "send_about",
]

code_requested = Signal()
code_sent = Signal()
code_failed = Signal()
code_verified = Signal()
code_rejected = Signal()
challenge_locked = Signal()
rate_limited = Signal()
budget_exceeded = Signal()
phone_changed = Signal()
delivery_stalled = Signal()
passkey_registered = Signal()
passkey_used = Signal()
passkey_removed = Signal()
passkey_cloned = Signal()


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
