"""One entry per purpose: what a code for it is, where its code page keeps it, what it may do.

A flow, a front end or the SMS composer asks the registry, never ``purpose == Purpose.LOGIN``.
Adding a purpose is a ``Purpose`` choice, an entry here, its views, templates and URL lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .conf import webotp_settings
from .models import Purpose

__all__ = ["PURPOSES", "CODE_SESSION_KEYS", "PurposeSpec", "spec", "withholds_unknown_numbers"]


@dataclass(frozen=True)
class PurposeSpec:
    """What sets one purpose's code apart from the others'."""

    name: str
    #: The session key under which its code page keeps the challenge this browser waits for.
    session_key: str
    #: A verified code signs the person in (``PhoneOTPBackend`` accepts only these).
    signs_in: bool = False
    #: A one-tap link (and its QR code) may carry the code.
    links: bool = False
    #: Whether the code is withheld from a number it cannot sign in: one no account has while
    #: WEBOTP_SIGNUP is off, or one that is only a second factor (``PhoneIdentityQuerySet.
    #: sign_in_code_goes_to``). Only sign-in withholds; other purposes send to a number their
    #: flow chose.
    unknown_numbers_withheld: bool = False
    #: The number must not be another account's (a phone change): its SMS then carries no code.
    number_must_be_free: bool = False
    #: What the person reads when a used code is typed again.
    used_message: str | Promise = _("This code has already been used. Request a new code.")
    #: What the person reads when a code is posted but this session asked for none.
    lost_message: str | Promise = _("Your code request has expired. Ask for a new code.")

    @property
    def sms_template(self) -> str:
        return f"django_webotp/sms/{self.name}.txt"


PURPOSES: dict[str, PurposeSpec] = {
    entry.name: entry
    for entry in (
        PurposeSpec(
            Purpose.LOGIN,
            session_key="webotp",
            signs_in=True,
            links=True,
            unknown_numbers_withheld=True,
            used_message=_("This code has already been used. Request a new code to sign in again."),
            lost_message=_("Your sign-in request has expired. Enter your phone number again."),
        ),
        PurposeSpec(Purpose.TWO_FACTOR, session_key="webotp_2fa"),
        PurposeSpec(Purpose.PHONE_CHANGE, session_key="webotp_phone", number_must_be_free=True),
        PurposeSpec(
            Purpose.CONFIRM,
            session_key="webotp_confirm",
            lost_message=_(
                "These details are not the ones your code was sent for. Check them and ask for "
                "a new code."
            ),
        ),
    )
}

#: Where each code page keeps its challenge (the dev simulator looks in all of them).
CODE_SESSION_KEYS: tuple[str, ...] = tuple(entry.session_key for entry in PURPOSES.values())


def spec(purpose: str) -> PurposeSpec:
    """The registry entry of ``purpose`` (a ``Purpose`` value)."""
    return PURPOSES[str(purpose)]


def withholds_unknown_numbers(purpose: str) -> bool:
    """Whether numbers no account has are sent no code for ``purpose`` now (it withholds them and
    WEBOTP_SIGNUP is off): everything about its SMS then reads the same for every number."""
    return spec(purpose).unknown_numbers_withheld and not webotp_settings.SIGNUP
