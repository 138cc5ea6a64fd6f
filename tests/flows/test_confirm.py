"""Edges of the purpose helpers: odd sessions, helpers on signed-out requests, misconfiguration."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from django_webotp import confirm
from django_webotp.delivery import send, tasks
from django_webotp.testing import last_code
from django_webotp.two_factor import is_verified, user_phone
from tests.support.accounts import PHONE, finish_two_factor, password_login


def test_helpers_on_a_signed_out_request(db):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    assert user_phone(AnonymousUser()) is None
    assert is_verified(request) is False


def test_is_verified_follows_the_second_step(client, alice):
    password_login(client)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = alice
    assert is_verified(request) is False
    finish_two_factor(client)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = alice
    assert is_verified(request) is True


def test_a_session_naming_no_real_challenge_has_no_confirmation(alice):
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = alice
    request.session[confirm.SESSION_KEY] = {"challenge": "not-a-uuid"}
    action = confirm.Action("payment", {"amount": "1.00"})
    assert confirm.verify(request, action, "123456").verdict is None


def test_the_confirm_decorator_sends_signed_out_visitors_to_log_in(client):
    assert client.get("/delete-account/").content == b"are you sure?"
    assert client.post("/delete-account/")["Location"] == "/login/?next=/delete-account/"


def test_the_confirm_decorator_alone_guards_a_view(client, alice):
    finish_two_factor(client)
    page = client.post("/delete-account/")
    assert b"You are about to confirm: delete-account." in page.content
    done = client.post("/delete-account/", {"webotp-step": "code", "webotp-code": last_code(PHONE)})
    assert done.content == b"deleted"


def test_malformed_confirmation_codes_count_against_the_limit(signed_in, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "1/h"
    signed_in.post("/pay/", {"amount": "20.00"})
    signed_in.post("/pay/", {"amount": "20.00", "webotp-step": "code", "webotp-code": "1"})
    limited = signed_in.post(
        "/pay/", {"amount": "20.00", "webotp-step": "code", "webotp-code": "2"}
    )
    assert limited.status_code == 429


def test_a_misconfigured_backend_is_never_silenced_for_notices(monkeypatch, settings):
    def broken(*args, **kwargs):
        raise ImproperlyConfigured("WEBOTP_SMS_BACKEND is wrong")

    monkeypatch.setattr(send, "get_connection", broken)
    with pytest.raises(ImproperlyConfigured):
        send.send_notice("+447400123456", "notice")


def test_a_misconfigured_queue_is_never_silenced_for_notices(monkeypatch, settings):
    class Misconfigured:
        def enqueue(self, *args, **kwargs):
            raise ImproperlyConfigured("TASKS is wrong")

    settings.WEBOTP_DELIVERY = "task"
    monkeypatch.setattr(tasks, "send_notice", Misconfigured())
    with pytest.raises(ImproperlyConfigured):
        tasks.queue_notice("+447400123456", "notice")
