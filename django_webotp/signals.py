"""Signals for every event in a code's life, for audit logs and alerting.

Each is sent with ``request`` (or None), ``phone_number`` (E.164 string), ``purpose``, and,
where it applies, ``challenge`` and ``reason``. ``phone_changed`` is sent with ``request``,
``user``, ``phone_number`` (the new number), ``old_numbers`` (the numbers it replaced, a list)
and ``username_changed`` (True when the user, named after its old number, was renamed after the
new one; False too when another account has that name, which a warning logs).
``delivery_stalled`` is sent by ``manage.py webotp_sweep`` with ``age`` (seconds the oldest
queued code has waited for a worker) and ``queued`` (how many wait), when the age passes
WEBOTP_QUEUE_STALL_AFTER: the task workers are down or behind.
``delivery_status_changed`` is sent when a provider's delivery receipt moves a challenge's
delivery status, once the change is committed, with ``challenge``, ``old_status``,
``new_status``, ``provider`` ("twilio", "vonage", "webhook") and ``receipt`` (what the provider
said: its ``raw_status``, ``error_code`` and ``message_id``); a repeated or out-of-order receipt
that changes nothing sends nothing.
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
delivery_status_changed = Signal()


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
