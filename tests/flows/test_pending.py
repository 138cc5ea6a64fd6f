"""The pending cookie: a sign-in's code step, kept for the browser that asked, without a session."""

from __future__ import annotations

import json
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_webotp.conf import webotp_settings
from django_webotp.delivery.tasks import TASKS_PACKAGE
from django_webotp.flows import pending
from django_webotp.models import Challenge
from django_webotp.testing import last_code
from tests.support.signin import LOGIN, PHONE, VERIFY, pending_state, set_pending_state, start

pytestmark = pytest.mark.django_db

COOKIE = "webotp_pending"


@pytest.fixture(autouse=True)
def _database_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def test_asking_for_a_code_and_seeing_the_code_page_write_no_session(client):
    assert start(client).status_code == 302
    assert client.get(VERIFY).status_code == 200
    assert not Session.objects.exists()
    assert pending_state(client)["challenge"] == str(Challenge.objects.get().pk)


def test_the_cookie_is_http_only_same_site_and_lives_as_long_as_a_code(client):
    morsel = start(client).cookies[COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == webotp_settings.CODE_TTL + webotp_settings.RESEND_COOLDOWN
    assert not morsel["secure"]
    secure = client.post(LOGIN, {"phone_number": PHONE}, secure=True).cookies[COOKIE]
    assert secure["secure"] is True


def test_the_cookie_holds_no_code(client):
    start(client)
    raw = signing.loads(client.cookies[COOKIE].value, salt=pending.SALT)
    assert last_code(PHONE) not in json.dumps(raw)


def test_signing_in_uses_the_code_once_and_drops_the_cookie(client):
    start(client)
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == ""  # deleted
    assert SESSION_KEY in client.session
    assert Session.objects.count() == 1  # created once, by login()


def test_a_changed_cookie_counts_as_none(client):
    start(client)
    value = client.cookies[COOKIE].value
    client.cookies[COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert client.get(VERIFY)["Location"].endswith("/login/")
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 400
    assert Challenge.objects.get().consumed_at is None


def test_a_state_signed_with_another_salt_is_not_taken(client):
    start(client)
    challenge = Challenge.objects.get()
    forged = signing.dumps({"webotp": {"challenge": str(challenge.pk)}}, compress=True)
    client.cookies[COOKIE] = forged
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 400
    assert Challenge.objects.get().consumed_at is None


def test_the_code_works_only_in_the_browser_that_asked(client):
    other = client.__class__()
    start(client)
    response = other.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 400
    assert Challenge.objects.get().consumed_at is None


def test_an_old_cookie_is_forgotten(client, monkeypatch):
    start(client)
    state = pending_state(client)
    later = time.time() + webotp_settings.CODE_TTL + webotp_settings.RESEND_COOLDOWN + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(VERIFY)["Location"].endswith("/login/")
    monkeypatch.undo()
    set_pending_state(client, state)
    assert client.get(VERIFY).status_code == 200


def test_the_code_page_after_a_sent_code_asks_the_database_nothing(client):
    start(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(VERIFY)
    assert response.status_code == 200
    assert queries.captured_queries == []
    assert "07911 123456" in response.content.decode()  # where the code went, read from the cookie


def test_a_queued_code_page_reads_the_challenge(client, settings):
    settings.WEBOTP_DELIVERY = "task"
    settings.TASKS = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.dummy.DummyBackend"}}
    start(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(VERIFY).status_code == 200
    assert any(Challenge._meta.db_table in q["sql"] for q in queries.captured_queries)
