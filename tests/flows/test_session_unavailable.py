"""A right code whose sign-in fails on a dead session store: 503 and a sentence, never a 500.

The code is used up by then (``verify`` consumed it); ``login()`` then writes the session (a new
key) and the store answers with its own error. The person is told to ask for a new code in a
moment, the failure is logged once with its traceback, and nothing else tries the store again.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from django_webotp.models import Challenge
from django_webotp.testing import last_code, last_link
from tests.support.api import PHONE as API_PHONE
from tests.support.api import Api
from tests.support.signin import PHONE, VERIFY, start

pytestmark = pytest.mark.django_db

SENTENCE = "We could not sign you in just now. Please wait a moment, then request a new code."


@pytest.fixture
def dead_store(monkeypatch):
    """From now on the session store refuses every write, as a database or cache that is gone."""

    def refuse(self, must_create=False):
        raise OperationalError("could not connect to the session store")

    def go_dead():
        monkeypatch.setattr(SessionStore, "save", refuse)

    return go_dead


def _logged_once(caplog) -> None:
    records = [r for r in caplog.records if r.name == "django_webotp" and r.exc_info]
    assert len(records) == 1
    assert "session store" in records[0].getMessage()


def test_html_sign_in_answers_503_with_a_sentence(client, dead_store, caplog, settings):
    start(client)
    code = last_code(PHONE)
    dead_store()
    with caplog.at_level(logging.ERROR, logger="django_webotp"):
        response = client.post(VERIFY, {"code": code})
    assert response.status_code == 503
    assert SENTENCE in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session, signed in or not
    assert Challenge.objects.get().consumed_at is not None
    _logged_once(caplog)


def test_api_sign_in_answers_503_with_a_sentence(dead_store, caplog):
    api = Api(Client(enforce_csrf_checks=True))
    api.start()
    code = last_code(API_PHONE)
    dead_store()
    with caplog.at_level(logging.ERROR, logger="django_webotp"):
        response = api.verify(code)  # checked against the OpenAPI document too
    assert response.status_code == 503
    assert response.json() == {"error": "session_unavailable", "message": SENTENCE}
    _logged_once(caplog)


def test_link_sign_in_answers_503_with_a_sentence(client, settings, dead_store, caplog):
    settings.WEBOTP_LINK = True
    settings.WEBOTP_DOMAIN = "testserver"  # links are built from configuration only
    start(client)
    url = urlsplit(last_link(PHONE))
    phone_browser = Client()
    assert phone_browser.get(url.path).status_code == 302
    dead_store()
    with caplog.at_level(logging.ERROR, logger="django_webotp"):
        response = phone_browser.post(reverse("webotp:link_confirm"), {"code": url.fragment})
    assert response.status_code == 503
    assert SENTENCE in response.content.decode()
    _logged_once(caplog)


def test_other_failures_in_login_are_not_hidden(client, monkeypatch):
    """Only the session store's failure is answered 503: a broken login receiver stays a 500."""
    from django.contrib.auth.signals import user_logged_in

    def broken_receiver(**kwargs):
        raise RuntimeError("a site's receiver is broken")

    user_logged_in.connect(broken_receiver, dispatch_uid="broken-test-receiver")
    try:
        start(client)
        code = last_code(PHONE)
        client.raise_request_exception = True
        with pytest.raises(RuntimeError, match="receiver is broken"):
            client.post(VERIFY, {"code": code})
    finally:
        user_logged_in.disconnect(dispatch_uid="broken-test-receiver")
