"""Every sentence a person reads about a code: verdicts, waits and how its SMS is doing.

The HTML pages and the JSON API both say these, so a person reads the same words whichever
front end they use.
"""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Challenge, DeliveryStatus, Verdict
from .purposes import spec, withholds_unknown_numbers

__all__ = [
    "account_unavailable",
    "closed_message",
    "delivery_failed",
    "delivery_state",
    "lost_message",
    "new_code_sent",
    "please_wait",
    "resend_available_in",
    "resend_countdown_words",
    "resend_refused",
    "session_unavailable",
    "superseded_message",
    "unnamable_host",
    "verdict_message",
    "wait_text",
]


def closed_message(verdict: Verdict, purpose: str) -> str:
    """Why a code of a challenge that no longer takes codes was not accepted."""
    if verdict is Verdict.USED:
        return str(spec(purpose).used_message)
    return {
        Verdict.LOCKED: _("Too many wrong codes. Request a new code."),
        Verdict.EXPIRED: _("This code has expired. Request a new code."),
        Verdict.REPLACED: _("A newer code was sent. Enter the code from the latest SMS."),
        Verdict.UNDELIVERED: _("We could not send this code. Request a new code."),
    }[verdict]


def verdict_message(verdict: Verdict, challenge: Challenge) -> str:
    """What to tell the person about a code that was not accepted."""
    if verdict is Verdict.SUPERSEDED:
        return superseded_message()
    if verdict is Verdict.WRONG:
        return ngettext(
            "That code is not right. You have %(n)d attempt left.",
            "That code is not right. You have %(n)d attempts left.",
            challenge.attempts_left,
        ) % {"n": challenge.attempts_left}
    return closed_message(verdict, challenge.purpose)


def superseded_message() -> str:
    """The code of a replaced challenge was typed while its replacement waits (no attempt)."""
    return _("A newer code was sent to you; use the latest one.")


def lost_message(purpose: str) -> str:
    """A code was posted, but this session has no code request of ``purpose``."""
    return str(spec(purpose).lost_message)


def wait_text(seconds: int) -> str:
    """How long a rate-limited person waits, rounded up: "3 minutes", "40 seconds"."""
    minutes, rest = divmod(seconds, 60)
    if minutes:
        minutes += bool(rest)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", rest) % {"n": rest}


def _available_in(seconds: int, shown: str) -> str:
    return ngettext(
        "(available in %(seconds)s second)", "(available in %(seconds)s seconds)", seconds
    ) % {"seconds": shown}


def resend_available_in(seconds: int) -> str:
    """ "(available in 29 seconds)": the wait beside "Send a new code"."""
    return _available_in(seconds, localize(seconds))


def resend_countdown_words() -> dict[str, str]:
    """What the code page's script counts "(available in N seconds)" down with: the sentence
    for one second and for more, "{n}" for the number, and what it announces at the end.

    "More" is the form of 2: a language with more than two forms reads it for every count.
    """
    return {
        "one": _available_in(1, "{n}"),
        "other": _available_in(2, "{n}"),
        "ready": _("You can ask for a new code now."),
    }


def resend_refused(seconds: int) -> str:
    """Why "Send a new code" was refused: when it will be taken, in words."""
    return _("You can ask for a new code in %(wait)s.") % {"wait": wait_text(seconds)}


def please_wait(seconds: int) -> str:
    return _("Please wait %(wait)s before trying again.") % {"wait": wait_text(seconds)}


def delivery_failed() -> str:
    return _("We could not send the code just now. Please try again in a moment.")


def new_code_sent() -> str:
    return _("We sent a new code.")


def session_unavailable() -> str:
    """The code was right but signing in failed on our side (the session store): try again."""
    return _("We could not sign you in just now. Please wait a moment, then request a new code.")


def account_unavailable() -> str:
    return _("This phone number cannot be used to sign in.")


def unnamable_host(host: str) -> str:
    """Why no code goes out from a page whose host no SMS can name ("[::1]", "localhost.")."""
    return _(
        "No code was sent: an SMS cannot name this page's address (%(host)s). Open the site at "
        "a host name or an IPv4 address, such as localhost or 127.0.0.1, or set WEBOTP_DOMAIN."
    ) % {"host": host}


def delivery_state(challenge: Challenge) -> dict[str, str]:
    """How the code's SMS is doing, as the code page and its status poll show it.

    "sending" while a worker has it (``WEBOTP_DELIVERY = "task"``), then "sent" or "failed";
    "not_sent" when the code expired or was replaced before a worker got to it. While unknown
    numbers are withheld (sign-in with sign-up off) it is always "sent": a number without an
    account gets no SMS, so anything else (a failure, a receipt, the moment a send ends) would
    tell the two apart.
    """
    if withholds_unknown_numbers(challenge.purpose):
        return {"state": "sent", "message": _("Your code is on its way.")}
    status = challenge.delivery_status
    if status in (DeliveryStatus.QUEUED, DeliveryStatus.PENDING):
        return {"state": "sending", "message": _("Sending your code…")}
    if status in (DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED):
        return {"state": "failed", "message": closed_message(Verdict.UNDELIVERED, "")}
    if status == DeliveryStatus.QUEUE_EXPIRED:
        message = _("This code expired before it could be sent. Request a new code.")
        return {"state": "not_sent", "message": message}
    if status == DeliveryStatus.QUEUE_REPLACED:
        message = _("A newer code was asked for, so this one was not sent.")
        return {"state": "not_sent", "message": message}
    return {"state": "sent", "message": _("Your code is on its way.")}
