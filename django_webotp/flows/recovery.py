"""SMS as recovery: what a right code may do for an account that has a passkey.

With WEBOTP_PASSKEY_SMS = "signin" (the default) nothing changes. With "recovery", an SMS sign-in
to an account that has a passkey is a *recovery* (the phone may be all a person has left, or a
SIM swapper may be all the attacker needs): it is marked in the session (``recovered``), the
``passkey_recovery_used`` signal lets the site tell the account's owner (and, with
WEBOTP_PASSKEY_RECOVERY_EMAIL, an e-mail does), and the next page
offers to add a new passkey. With WEBOTP_PASSKEY_RECOVERY_WAIT seconds, the first right code
only starts a wait (``passkey_recovery_started``); a right code after the wait signs in, and a
sign-in with a passkey meanwhile calls the recovery off — the owner still has it.
"""

from __future__ import annotations

from datetime import timedelta
from math import ceil
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import signals
from ..conf import webotp_settings
from ..delivery import mail
from ..exceptions import WebOTPError
from ..models import Passkey, PasskeyUser
from ..wording import wait_text

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["RECOVERED_KEY", "RecoveryWait", "call_off", "check", "mark", "recovered"]

#: The session key that says this session was signed in by SMS as a recovery.
RECOVERED_KEY = "webotp_recovered"
#: A wait not finished within this long after it ended starts over (a forgotten recovery must
#: not stay open for ever).
GRACE = timedelta(days=1)


class RecoveryWait(WebOTPError):
    """A right code that may not sign in yet: the recovery waits ``seconds`` more."""

    def __init__(self, seconds: int) -> None:
        self.seconds = max(int(seconds), 1)
        super().__init__(
            _(
                "For your security, signing in by SMS to an account that has a passkey takes "
                "time. Sign in with your passkey instead, or come back in %(wait)s and sign in "
                "by SMS again."
            )
            % {"wait": wait_text(self.seconds)}
        )


def _applies(user: Any) -> bool:
    return webotp_settings.PASSKEY_SMS == "recovery" and Passkey.objects.filter(user=user).exists()


def check(request: HttpRequest, user: Any) -> None:
    """Before an SMS sign-in of ``user``: raise RecoveryWait while its recovery must wait."""
    wait = int(webotp_settings.PASSKEY_RECOVERY_WAIT or 0)
    if wait <= 0 or not _applies(user):
        return
    now = timezone.now()
    owner = PasskeyUser.objects.filter(user=user)
    started = owner.values_list("recovery_started_at", flat=True).first()
    if started is None or now - started > timedelta(seconds=wait) + GRACE:
        # Conditional: of two codes racing to start the wait, one starts it.
        fresh = Q(recovery_started_at__isnull=True) | Q(recovery_started_at=started)
        if owner.filter(fresh).update(recovery_started_at=now):
            signals.passkey_recovery_started.send(
                PasskeyUser, request=request, user=user, ready_at=now + timedelta(seconds=wait)
            )
            mail.send_recovery_notice(request, user, "started", wait=wait_text(wait))
        raise RecoveryWait(wait)
    left = (started + timedelta(seconds=wait) - now).total_seconds()
    if left > 0:
        raise RecoveryWait(ceil(left))


def mark(request: HttpRequest, user: Any, phone_number: str, *, in_session: bool = True) -> None:
    """After an SMS sign-in of ``user``: mark (in the session, unless it is a native app's,
    which has none) and announce a recovery, and close its wait."""
    if not _applies(user):
        return
    PasskeyUser.objects.filter(user=user).update(recovery_started_at=None)
    if in_session:
        request.session[RECOVERED_KEY] = True
    signals.passkey_recovery_used.send(
        PasskeyUser, request=request, user=user, phone_number=phone_number
    )
    mail.send_recovery_notice(request, user, "used")


def call_off(user: Any) -> None:
    """A passkey signed ``user`` in: a recovery by SMS under way is not needed. Only a site in
    recovery mode starts waits, so only there is one looked for (no statement otherwise)."""
    if webotp_settings.PASSKEY_SMS != "recovery":
        return
    PasskeyUser.objects.filter(user=user, recovery_started_at__isnull=False).update(
        recovery_started_at=None
    )


def recovered(request: HttpRequest) -> bool:
    """Whether this session was signed in by SMS as a recovery (offer a new passkey)."""
    return bool(getattr(request, "session", {}).get(RECOVERED_KEY))
