"""Where a passkey sign-in's challenge waits (flows.passkey_ceremony): in the browser's pending
cookie, so a visitor whose page asks for options costs no session row, and used once all the
same: the database refuses an answer sent again with its cookie (Passkey.last_challenge_issued)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from django_webotp import signals
from django_webotp.conf import webotp_settings
from django_webotp.models import Passkey
from tests.api.test_passkeys import add_passkey, signed_in_by_sms
from tests.support.api import Api
from tests.support.authenticator import Authenticator
from tests.support.signals import captured

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "testserver"


def with_passkey(api, authenticator):
    signed_in_by_sms(api)
    assert add_passkey(api, authenticator).status_code == 201


def test_asking_for_sign_in_options_costs_no_session(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    visitor = Api(Client(enforce_csrf_checks=True))
    assert visitor.call("passkey_sign_in_options").status_code == 200
    assert settings.SESSION_COOKIE_NAME not in visitor.client.cookies
    assert webotp_settings.PENDING_COOKIE_NAME in visitor.client.cookies
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "counter",
    [None, 0],
    ids=["a synced passkey: its counter proves nothing", "a counting passkey: not a copy"],
)
def test_an_answer_sent_again_with_its_cookie_is_refused(api, other_api, counter):
    """What a thief of one request (its cookies and its body) would try."""
    authenticator = Authenticator(counter=counter)
    with_passkey(api, authenticator)
    options = other_api.call("passkey_sign_in_options").json()["publicKey"]
    cookie = other_api.client.cookies[webotp_settings.PENDING_COOKIE_NAME].value
    answer = authenticator.get(options)
    assert other_api.call("passkey_sign_in", {"credential": answer}).status_code == 200

    thief = Api(Client(enforce_csrf_checks=True))
    thief.client.cookies[webotp_settings.PENDING_COOKIE_NAME] = cookie
    with captured(signals.passkey_used, signals.passkey_cloned) as seen:
        again = thief.call("passkey_sign_in", {"credential": answer})
    assert (again.status_code, again.json()["reason"]) == (400, "no_ceremony")
    assert "_auth_user_id" not in thief.client.session
    assert seen == []  # neither a use nor a copied passkey: a request sent again


def test_a_challenge_older_than_the_last_one_used_is_refused(api):
    """Two pages asked for options, the later one signed in: the earlier one's answer is
    refused, and the person asks again."""
    authenticator = Authenticator(counter=None)
    with_passkey(api, authenticator)
    first, second = Api(Client(enforce_csrf_checks=True)), Api(Client(enforce_csrf_checks=True))
    first_options = first.call("passkey_sign_in_options").json()["publicKey"]
    second_options = second.call("passkey_sign_in_options").json()["publicKey"]
    later = second.call("passkey_sign_in", {"credential": authenticator.get(second_options)})
    assert later.status_code == 200
    earlier = first.call("passkey_sign_in", {"credential": authenticator.get(first_options)})
    assert (earlier.status_code, earlier.json()["reason"]) == (400, "no_ceremony")

    again = first.call("passkey_sign_in_options").json()["publicKey"]
    retried = first.call("passkey_sign_in", {"credential": authenticator.get(again)})
    assert retried.status_code == 200
    passkey = Passkey.objects.get()
    assert passkey.last_challenge_issued is not None


def test_the_cookie_lives_as_long_as_a_passkey_sign_in_may_take(settings, monkeypatch):
    settings.WEBOTP_CODE_TTL = 60
    settings.WEBOTP_RESEND_COOLDOWN = 30
    settings.WEBOTP_PASSKEY_TIMEOUT = 300
    visitor = Api(Client(enforce_csrf_checks=True))
    visitor.call("passkey_sign_in_options")
    assert visitor.client.cookies[webotp_settings.PENDING_COOKIE_NAME]["max-age"] == 300


def test_a_passkey_sign_in_writes_one_new_session_and_keeps_no_planted_key(api, settings):
    """login() gives the session a new key; the strong-factor mark that follows keeps it
    (nobody has seen it yet) instead of making a second one."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    authenticator = Authenticator(counter=None)
    with_passkey(api, authenticator)
    visitor = Api(Client(enforce_csrf_checks=True))
    planted = SessionStore()
    planted["seen"] = True
    planted.create()
    visitor.client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    options = visitor.call("passkey_sign_in_options").json()["publicKey"]
    answer = authenticator.get(options)
    with CaptureQueriesContext(connection) as queries:
        assert visitor.call("passkey_sign_in", {"credential": answer}).status_code == 200
    writes = [
        q["sql"].split()[0]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert writes == ["INSERT", "DELETE", "UPDATE"]  # the new key, the planted one, the data
    key = visitor.client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert visitor.client.session["webotp_2fa_verified"]["method"] == "passkey"


def test_a_passkey_on_top_of_an_sms_sign_in_still_gets_a_new_session_key(api, settings):
    """The same person, signed in by SMS (one factor), then by passkey in the same browser:
    login() keeps the session's key for a user already signed in, so the strong-factor mark
    must make the new one (a key seen while the session was one factor is worth nothing now)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    authenticator = Authenticator(counter=None)
    with_passkey(api, authenticator)  # signed in by SMS in this browser, then added a passkey
    one_factor_key = api.client.cookies[settings.SESSION_COOKIE_NAME].value
    options = api.call("passkey_sign_in_options").json()["publicKey"]
    assert (
        api.call("passkey_sign_in", {"credential": authenticator.get(options)}).status_code == 200
    )
    assert api.client.cookies[settings.SESSION_COOKIE_NAME].value != one_factor_key
    assert not Session.objects.filter(session_key=one_factor_key).exists()
    assert api.client.session["webotp_2fa_verified"]["method"] == "passkey"
