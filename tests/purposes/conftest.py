"""Accounts with a password and a phone, and the steps a person takes, for the purpose tests."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from django_webotp.models import PhoneIdentity
from django_webotp.testing import last_code
from tests.support.users import PASSWORD, make_user

PHONE = "+447400123456"  # alice's
OTHER_PHONE = "+447400654321"  # bob's
NEW_PHONE = "+447400111222"  # nobody's

TWO_FACTOR = reverse("webotp:two_factor")
PHONE_PAGE = reverse("webotp:phone")
PHONE_VERIFY = reverse("webotp:phone_verify")
PROTECTED = "/protected/"


@pytest.fixture
def alice(db):
    user = make_user("alice", password=PASSWORD)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE)
    return user


@pytest.fixture
def bob(db):
    user = make_user("bob", password=PASSWORD)
    PhoneIdentity.objects.create(user=user, phone_number=OTHER_PHONE)
    return user


@pytest.fixture
def carol(db):
    """An account with a password and no phone number."""
    return make_user("carol", password=PASSWORD)


def password_login(client: Client, username: str = "alice") -> None:
    """Django's LoginView, as the example project mounts it."""
    response = client.post(reverse("password_login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content


def send_two_factor_code(client: Client, next_url: str = PROTECTED) -> str:
    """Press "Text me a code" on the code page; the code that arrived."""
    response = client.post(TWO_FACTOR, {"step": "send", "next": next_url})
    assert response.status_code == 302, response.content
    return last_code()


def finish_two_factor(client: Client, username: str = "alice", phone: str = PHONE) -> None:
    password_login(client, username)
    send_two_factor_code(client)
    response = client.post(TWO_FACTOR, {"code": last_code(phone), "next": PROTECTED})
    assert response.status_code == 302 and response["Location"] == PROTECTED


@pytest.fixture
def signed_in(client, alice):
    """alice, fully signed in (password and code)."""
    finish_two_factor(client)
    return client
