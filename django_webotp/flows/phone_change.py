"""Add or change a signed-in user's phone number: the new number proves itself by code first.

A number another account has already verified is refused without saying so, or which account it
is: the person gets the same "we sent a code" page as for a free number, the SMS to that number
carries a notice instead of a code, and whatever code is typed is judged wrong, attempts counted
as usual. Only whoever holds that phone learns the number is in use, and they could sign in with
it anyway. Once the new number is verified it replaces the user's numbers, and each number it
replaced gets a notice SMS. The code step itself is ``CodeStep(request, Purpose.PHONE_CHANGE)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import signals
from ..delivery.compose import notice_body
from ..delivery.tasks import queue_notice
from ..models import Challenge, PhoneIdentity

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["already_yours", "complete"]


def already_yours(user: Any, phone_number: str) -> bool:
    """Whether ``phone_number`` is one of ``user``'s numbers already (nothing to change)."""
    return user.phone_identities.filter(phone_number=phone_number).exists()


def complete(request: HttpRequest, user: Any, challenge: Challenge) -> bool:
    """Make the just-verified number the user's only one; notify the numbers it replaced.

    The new number does what the old one did: it signs in alone if a number it replaced did,
    or if the account has no password (a phone is its only way in); a number added to a
    password account (two-step enrolment) is only ever its second factor.

    False when the number was taken by another account in the meantime (nothing changes then).
    """
    new = challenge.phone
    try:
        with transaction.atomic():
            mine = PhoneIdentity.objects.select_for_update().filter(user=user)
            rows = list(mine.values_list("phone_number", "can_sign_in"))
            old = [str(number) for number, _ in rows]
            mine.exclude(phone_number=new).delete()
            if new in old:
                mine.update(verified_at=timezone.now())
            else:
                signs_in = any(flag for _, flag in rows) or not user.has_usable_password()
                PhoneIdentity.objects.create(user=user, phone_number=new, can_sign_in=signs_in)
    except IntegrityError:
        return False
    replaced = [number for number in old if number != new]
    body = notice_body(request, new) if replaced else ""

    def notify() -> None:
        for number in replaced:
            queue_notice(number, body)

    transaction.on_commit(notify)
    signals.phone_changed.send(
        sender=PhoneIdentity, request=request, user=user, phone_number=new, old_numbers=replaced
    )
    return True
