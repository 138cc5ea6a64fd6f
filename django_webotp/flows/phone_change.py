"""Add or change a signed-in user's phone number: the new number proves itself by code first.

A number another account has already verified is refused without saying so, or which account it
is: the person gets the same "we sent a code" page as for a free number, the SMS to that number
carries a notice instead of a code, and whatever code is typed is judged wrong, attempts counted
as usual. Only whoever holds that phone learns the number is in use, and they could sign in with
it anyway. Once the new number is verified it replaces the user's numbers, and each number it
replaced gets a notice SMS. The code step itself is ``CodeStep(request, Purpose.PHONE_CHANGE)``.

Before any code goes to the new number, the session proves it is the owner's (``needs_proof``):
a signed-in session stolen from its owner must not move the account to another phone. It proves
it by a recent authentication (``reauth``: a sign-in, the password typed again, a passkey)
or by the code of ``current_number_step``, sent to the number being replaced; either counts for
WEBOTP_REAUTH_MAX_AGE seconds. An account without a number proves it with a recent sign-in or
password; one with neither a number nor a password (signed in some other way) has nothing to
prove it with and needs nothing. ``complete`` asks again, so no page can skip the step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import signals
from ..backends import follow_number
from ..delivery.compose import notice_body
from ..delivery.tasks import queue_notice
from ..models import Challenge, PhoneIdentity, Purpose
from . import reauth
from .code_step import CodeStep
from .two_factor import user_phone

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["already_yours", "complete", "current_number_step", "needs_proof", "proved"]


def needs_proof(request: HttpRequest, user: Any, challenge: Challenge | None = None) -> bool:
    """Whether this session must prove it is ``user``'s owner before a new number gets a code
    (``challenge``: before that code, sent already, may change the account)."""
    since = challenge.created_at.timestamp() if challenge is not None else None
    if reauth.recent(request, user, since=since):
        return False
    return user_phone(user) is not None or user.has_usable_password()


def current_number_step(request: HttpRequest, user: Any) -> CodeStep | None:
    """The code step that proves the session holds ``user``'s current phone (None: no phone).

    Two-step verification's purpose, with the same SMS: a code to the account's own verified
    number, which proves whoever types it holds that phone.
    """
    phone = user_phone(user)
    if phone is None:
        return None
    return CodeStep(request, Purpose.TWO_FACTOR, user=user, phone=phone)


def proved(request: HttpRequest, user: Any) -> None:
    """The current number's code was right: this session may change the number for a while."""
    reauth.mark(request, user, method="current_number")


def already_yours(user: Any, phone_number: str) -> bool:
    """Whether ``phone_number`` is one of ``user``'s numbers already (nothing to change)."""
    return user.phone_identities.filter(phone_number=phone_number).exists()


def complete(request: HttpRequest, user: Any, challenge: Challenge) -> bool:
    """Make the just-verified number the user's only one; notify the numbers it replaced.

    The new number does what the old one did: it signs in alone if a number it replaced did,
    or if the account has no password (a phone is its only way in); a number added to a
    password account (two-step enrolment) is only ever its second factor. A user named after
    the number it replaced is renamed after the new one (``backends.follow_number``).

    False when the number was taken by another account in the meantime, or when the session did
    not prove itself before the code was sent (``needs_proof``): nothing changes then.
    """
    if needs_proof(request, user, challenge):
        return False
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
            renamed = follow_number(user, old, new)
    except IntegrityError:
        return False
    replaced = [number for number in old if number != new]
    body = notice_body(request, new) if replaced else ""

    def notify() -> None:
        for number in replaced:
            queue_notice(number, body)

    transaction.on_commit(notify)
    signals.phone_changed.send(
        sender=PhoneIdentity,
        request=request,
        user=user,
        phone_number=new,
        old_numbers=replaced,
        username_changed=renamed,
    )
    return True
