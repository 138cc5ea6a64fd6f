"""Whether the code page loads the Web OTP simulator, the URLs it talks to, and its words."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ..conf import webotp_settings

__all__ = ["simulator_context", "simulator_strings"]


def simulator_strings() -> dict[str, str]:
    """The simulator bar's text in the active language, keyed as simulator.js asks for it.

    The script reads them from its tag's data-strings attribute (no inline script, so a strict
    Content-Security-Policy is fine) and fills the %(name)s placeholders itself.
    """
    return {
        "region": _("Web OTP simulator"),
        "title": _("Web OTP simulator (development only)"),
        "inbox": _("Dev SMS inbox"),
        "allow": _("Allow"),
        "deny": _("Deny"),
        "ask": _("Use code %(code)s from SMS?"),
        "given": _("Code %(code)s given to the page."),
        "denied": _("Denied: the page got NotAllowedError. Type the code yourself."),
        "aborted": _("The page stopped waiting for an SMS (AbortError)."),
        "waiting": _("Waiting for an SMS…"),
        "waiting_for": _("Waiting for an SMS to %(phone)s…"),
        "no_request": _("No code was requested in this browser session."),
        "no_answer": _("The dev SMS inbox did not answer (%(error)s); trying again."),
        "ignored": _("Ignored an SMS, as Chrome would: %(reason)s"),
        "not_bound": _("its last line “%(line)s” is not “@host #code”."),
        "other_host": _("it is bound to %(bound)s, and this page is on %(host)s."),
        "iframe": _("it is meant for an iframe on %(embedded)s."),
        "port": _(
            "Real Chrome would not fill this code: it never fills a page whose address has a "
            "port (:%(port)s)."
        ),
    }


def simulator_context() -> dict[str, str] | None:
    """URLs and text for the simulator's script, or None when it must not load.

    DEBUG is checked here too, not only by the system check: a server started without running
    checks must still never ship the simulator.
    """
    if not (webotp_settings.DEV_SIMULATOR and settings.DEBUG):
        return None
    try:
        return {
            "messages_url": reverse("webotp_dev:simulator_messages"),
            "inbox_url": reverse("webotp_dev:inbox"),
            "strings": json.dumps(simulator_strings(), ensure_ascii=False),
        }
    except NoReverseMatch:  # the include is missing: webotp.W003 says so
        return None
