"""Accounts with a password and a phone, and the steps a person takes with them: Django's
password sign-in, then the second step by SMS."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from django_webotp.testing import last_code

from .users import PASSWORD

PHONE = "+447400123456"  # alice's
OTHER_PHONE = "+447400654321"  # bob's
NEW_PHONE = "+447400111222"  # nobody's

TWO_FACTOR = reverse("webotp:two_factor")
PHONE_PAGE = reverse("webotp:phone")
PHONE_VERIFY = reverse("webotp:phone_verify")
PROTECTED = "/protected/"


def password_login(client: Client, username: str = "alice", password: str = PASSWORD) -> None:
    """Django's LoginView, as the test site mounts it."""
    response = client.post(reverse("password_login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content


def send_two_factor_code(client: Client, next_url: str = PROTECTED) -> str:
    """Press "Text me a code" on the code page; the code that arrived."""
    response = client.post(TWO_FACTOR, {"step": "send", "next": next_url})
    assert response.status_code == 302, response.content
    return last_code()


def finish_two_factor(client: Client, username: str = "alice", phone: str = PHONE) -> None:
    """Password, then the code sent to ``phone``: fully signed in, on the protected page."""
    password_login(client, username)
    send_two_factor_code(client)
    response = client.post(TWO_FACTOR, {"code": last_code(phone), "next": PROTECTED})
    assert response.status_code == 302 and response["Location"] == PROTECTED
