"""The first step of a phone sign-in, as a browser without JavaScript takes it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from django_webotp.conf import webotp_settings
from django_webotp.flows.pending import PendingStates

PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
RESEND = reverse("webotp:resend")


def start(client: Client, phone: str = PHONE, *, ip: str | None = None, **fields):
    """Post ``phone`` (and any other form ``fields``) to the phone page; its response."""
    extra = {} if ip is None else {"REMOTE_ADDR": ip}
    return client.post(LOGIN, {"phone_number": phone, **fields}, **extra)


def pending_state(client: Client, key: str = "webotp") -> dict:
    """The sign-in code step's state this browser's pending cookie holds ({} without one)."""
    morsel = client.cookies.get(webotp_settings.PENDING_COOKIE_NAME)
    return PendingStates(morsel.value if morsel else None).get(key) or {}


def set_pending_state(client: Client, state: dict, key: str = "webotp") -> None:
    """Give this browser a pending cookie holding ``state``, as the sign-in pages would."""
    states = PendingStates(None)
    states[key] = state
    client.cookies[webotp_settings.PENDING_COOKIE_NAME] = states.cookie_value()
