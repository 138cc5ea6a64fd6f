"""The authentication backend: a just-verified sign-in challenge authenticates its phone's user."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from .conf import webotp_settings
from .models import Challenge, PhoneIdentity
from .models.prepared import Prepared, compiled_rows
from .purposes import PURPOSES

__all__ = ["PhoneOTPBackend", "create_user", "follow_number"]

logger = logging.getLogger("django_webotp")

#: What ``create_user`` puts after "-" when another account has the number as its name.
_TAKEN_SUFFIX = re.compile(r"[0-9a-f]{6}")


class PhoneOTPBackend(ModelBackend):
    """Add ``"django_webotp.backends.PhoneOTPBackend"`` to ``AUTHENTICATION_BACKENDS``.

    ``authenticate(request, webotp_challenge=challenge)`` accepts only a sign-in challenge that
    was used up moments ago (``Challenge.verify`` returned VERIFIED); anything else is None.
    Inactive users are refused, as ``ModelBackend`` refuses them.
    """

    # Its own credential keyword, as Django's other backends take theirs.
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, webotp_challenge: Challenge | None = None, **kwargs: Any
    ):
        challenge = webotp_challenge
        if not isinstance(challenge, Challenge):
            return None
        purpose = PURPOSES.get(str(challenge.purpose))
        if purpose is None or not purpose.signs_in:
            return None
        if challenge.consumed_at is None:
            return None
        if timezone.now() - challenge.consumed_at > timedelta(seconds=webotp_settings.CODE_TTL):
            return None
        user = user_for_phone(challenge.phone)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user

    async def aauthenticate(  # type: ignore[override]
        self, request: HttpRequest | None, webotp_challenge: Challenge | None = None, **kwargs: Any
    ):
        """``authenticate`` for ``django.contrib.auth.aauthenticate`` (ASGI views, async code).

        ModelBackend's own ``aauthenticate`` knows only a username and password, so without this
        the async call refused a challenge the sync one accepts. The sync path runs in the
        thread Django keeps for the ORM: the sign-up it may do is one transaction, as there.
        """
        return await sync_to_async(self.authenticate)(
            request, webotp_challenge=webotp_challenge, **kwargs
        )


def user_for_phone(phone_number: str):
    """The user a sign-in code to this number signs in, or None.

    None when the number is only a second factor (or staff's, see
    ``PhoneIdentityQuerySet.may_sign_in``): such a number never signs in alone and never signs
    up a second account either. A number nobody has signs up a new account if WEBOTP_SIGNUP.
    """
    user = _SIGNS_IN_AS.first(get_user_model(), phone=str(phone_number))
    if user is not None:
        return user
    if (
        webotp_settings.SIGNUP
        and not PhoneIdentity.objects.filter(phone_number=phone_number).exists()
    ):
        return signup(phone_number)
    return None


# The user a sign-in code to a number signs in, asked on every sign-in (``models.prepared``).
_SIGNS_IN_AS = Prepared(
    lambda model, using, phone: compiled_rows(
        model._default_manager.filter(
            pk__in=PhoneIdentity.objects.may_sign_in().filter(phone_number=phone).values("user_id")
        ),
        using,
    ),
    fields={"phone": PhoneIdentity._meta.get_field("phone_number")},
    stand_ins={"phone": "+12025550123"},
)


def signup(phone_number: str):
    """Create a user and its phone identity, which signs in; if another request just did, use
    theirs (unless the number was meanwhile added elsewhere as a second factor)."""
    factory = import_string(webotp_settings.CREATE_USER)
    try:
        with transaction.atomic():
            user = factory(phone_number)
            PhoneIdentity.objects.create(user=user, phone_number=phone_number, can_sign_in=True)
            return user
    except IntegrityError:
        try:
            identity = PhoneIdentity.objects.may_sign_in().select_related("user")
            return identity.get(phone_number=phone_number).user
        except PhoneIdentity.DoesNotExist:
            return None


def create_user(phone_number: str):
    """The default ``WEBOTP_CREATE_USER``: a user named after the number, with no password.

    A site whose user model needs more fields points ``WEBOTP_CREATE_USER`` at its own callable
    taking the E.164 number and returning a saved user.
    """
    User = get_user_model()
    username_field = User.USERNAME_FIELD
    username = phone_number
    if User._default_manager.filter(**{username_field: username}).exists():
        username = f"{phone_number}-{secrets.token_hex(3)}"
    user = User(**{username_field: username})
    user.set_unusable_password()
    user.save()
    return user


def follow_number(user: Any, old_numbers: Iterable[str], new_number: str) -> bool:
    """Rename a user named after a number it just gave up (as ``create_user`` names them: the
    number, or the number and a suffix when that name was taken) after its new number, so that
    the password sign-in and the pages name the number it has now.

    Called inside the phone change's transaction. A username that is not one of the old numbers
    (an e-mail address, a name someone typed) is left alone. So is one whose new name another
    account already has: the change stands, nobody's account is touched, and a warning (with
    the user's primary key, never a number) says why. True when the user was renamed.
    """
    field = get_user_model().USERNAME_FIELD
    current = user.get_username()
    if current == new_number or not named_after(current, old_numbers):
        return False
    users = get_user_model()._default_manager
    if name_taken(new_number):
        return _kept(user)
    try:
        with transaction.atomic():  # a savepoint: losing a race for the name keeps the change
            renamed = users.filter(pk=user.pk, **{field: current}).update(**{field: new_number})
    except IntegrityError:  # another account took the name a moment ago
        return _kept(user)
    if renamed:
        setattr(user, field, new_number)
    return bool(renamed)


def named_after(username: str, numbers: Iterable[str]) -> bool:
    """Whether ``create_user`` would have named an account after one of ``numbers`` so."""
    number, _, suffix = username.partition("-")  # E.164 has no "-"
    return number in set(numbers) and (username == number or bool(_TAKEN_SUFFIX.fullmatch(suffix)))


def name_taken(username: str) -> bool:
    """Whether an account is already called ``username`` (its USERNAME_FIELD)."""
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists()


def _kept(user: Any) -> bool:
    logger.warning(
        "User %s keeps its old phone number as its username after a phone change: another "
        "account's username is the new number",
        user.pk,
    )
    return False
