"""WEBOTP_PASSKEY_RECOVERY_EMAIL: the owner of an account with a passkey is e-mailed when a
recovery by SMS starts its wait and when it signs in (delivery.mail), and only then."""

from __future__ import annotations

import logging
from smtplib import SMTPException

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core.checks import Warning
from django.test import Client

from django_webotp import checks
from django_webotp.checks import check_settings
from django_webotp.delivery import tasks
from django_webotp.testing import last_code
from tests.flows.test_recovery import sms_sign_in, with_passkey
from tests.support.signin import PHONE, VERIFY, start
from tests.support.tasks import run_worker, use_task_backend

pytestmark = pytest.mark.django_db

OWNER = "owner@example.com"


@pytest.fixture(autouse=True)
def recovery_mode(settings, no_rate_limits):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "testserver"
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_EMAIL = True
    settings.WEBOTP_SITE_NAME = "Example"


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run the callbacks of each commit meanwhile, as a real request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def owner_with_passkey(email: str = OWNER) -> None:
    with_passkey()
    User = get_user_model()
    User.objects.update(**{User.get_email_field_name(): email})


def test_a_recovery_that_signs_in_emails_the_owner(mailoutbox, commits):
    owner_with_passkey()
    client = Client()
    with commits():
        assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    [message] = mailoutbox
    assert message.to == [OWNER]
    assert message.subject == "Signed in to Example by text message"
    assert "signed in with a code sent by text message instead of your passkey" in message.body
    assert "add a new passkey" in message.body


def test_a_recovery_that_waits_emails_the_owner_once_with_the_wait(settings, mailoutbox, commits):
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 3600
    owner_with_passkey()
    client = Client()
    with commits():
        assert sms_sign_in(client).status_code == 403
        assert sms_sign_in(client).status_code == 403  # still waiting: no second e-mail
    [message] = mailoutbox
    assert message.to == [OWNER]
    assert message.subject == "Signing in to Example by text message"
    assert "sign in by text message again in 60 minutes" in message.body
    assert "sign in with your passkey now: that stops it" in message.body


def test_off_by_default(settings, mailoutbox, commits):
    del settings.WEBOTP_PASSKEY_RECOVERY_EMAIL
    owner_with_passkey()
    with commits():
        assert sms_sign_in(Client()).status_code == 302
    assert mailoutbox == []


def test_no_email_outside_recovery_mode_and_a_check_says_so(settings, mailoutbox, commits):
    settings.WEBOTP_PASSKEY_SMS = "signin"
    owner_with_passkey()
    with commits():
        assert sms_sign_in(Client()).status_code == 302
    assert mailoutbox == []
    assert Warning(checks.W101, id="webotp.W101") in check_settings()


def test_no_check_warning_in_recovery_mode():
    assert "webotp.W101" not in [problem.id for problem in check_settings()]


def test_an_account_without_an_address_signs_in_without_an_email(mailoutbox, commits):
    owner_with_passkey(email="")
    client = Client()
    with commits():
        assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    assert mailoutbox == []


def test_a_mail_server_that_fails_is_logged_and_the_sign_in_goes_on(
    monkeypatch, mailoutbox, commits, caplog
):
    def refuse(*args, **kwargs):
        raise SMTPException("connection refused")

    monkeypatch.setattr(tasks, "send_mail", refuse)
    owner_with_passkey()
    client = Client()
    with caplog.at_level(logging.WARNING, logger="django_webotp"), commits():
        assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    assert (
        "Could not e-mail a notice (Signed in to Example by text message): connection refused"
        in caplog.text
    )


def test_the_email_waits_for_the_commit(mailoutbox, django_capture_on_commit_callbacks):
    owner_with_passkey()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sms_sign_in(Client()).status_code == 302
    assert mailoutbox == []  # a rolled-back sign-in would have told nobody
    for callback in callbacks:
        callback()
    assert [message.to for message in mailoutbox] == [[OWNER]]


def test_the_email_is_in_the_language_of_the_page(mailoutbox, commits):
    owner_with_passkey()
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    with commits():
        assert sms_sign_in(client).status_code == 302
    [message] = mailoutbox
    assert message.subject == "Sesión iniciada en Example por mensaje de texto"
    assert "en lugar de tu llave de acceso" in message.body


def test_with_task_delivery_a_worker_sends_it(settings, mailoutbox, commits):
    owner_with_passkey()
    queue = use_task_backend(settings, "dummy")
    queue.clear()
    client = Client()
    with commits():
        assert start(client).status_code == 302
    run_worker(queue)  # the code's SMS
    with commits():
        assert client.post(VERIFY, {"code": last_code(PHONE)}).status_code == 302
    assert mailoutbox == []  # queued: the request made no call to the mail server
    assert run_worker(queue) == ["sent"]
    assert [message.to for message in mailoutbox] == [[OWNER]]


def test_with_task_delivery_a_queue_that_is_down_sends_it_now(
    settings, monkeypatch, mailoutbox, commits
):
    class Down:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    owner_with_passkey()
    use_task_backend(settings, "immediate")  # tasks run on the spot; the e-mail's queue is down
    monkeypatch.setattr(tasks, "send_email", Down())
    client = Client()
    with commits():
        assert start(client).status_code == 302  # the SMS goes when this commits
    with commits():
        assert client.post(VERIFY, {"code": last_code(PHONE)}).status_code == 302
    assert [message.to for message in mailoutbox] == [[OWNER]]
