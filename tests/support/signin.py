"""The first step of a phone sign-in, as a browser without JavaScript takes it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
RESEND = reverse("webotp:resend")


def start(client: Client, phone: str = PHONE, *, ip: str | None = None, **fields):
    """Post ``phone`` (and any other form ``fields``) to the phone page; its response."""
    extra = {} if ip is None else {"REMOTE_ADDR": ip}
    return client.post(LOGIN, {"phone_number": phone, **fields}, **extra)
