"""Whether the code page loads the Web OTP simulator, and the URLs it talks to."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from ..conf import webotp_settings

__all__ = ["simulator_context"]


def simulator_context() -> dict[str, str] | None:
    """URLs for the simulator's script, or None when it must not load.

    DEBUG is checked here too, not only by the system check: a server started without running
    checks must still never ship the simulator.
    """
    if not (webotp_settings.DEV_SIMULATOR and settings.DEBUG):
        return None
    try:
        return {
            "messages_url": reverse("webotp_dev:simulator_messages"),
            "inbox_url": reverse("webotp_dev:inbox"),
        }
    except NoReverseMatch:  # the include is missing: webotp.W003 says so
        return None
