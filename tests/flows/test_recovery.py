"""SMS as recovery (flows.recovery) and the passkey as the strong factor (flows.two_factor):
through the sign-in pages and the JSON API, with a passkey answered by a software
authenticator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_webotp import signals
from django_webotp.flows import recovery, two_factor
from django_webotp.models import PasskeyUser
from django_webotp.testing import last_code
from tests.support.api import Api, NativeApp
from tests.support.authenticator import Authenticator
from tests.support.signals import captured
from tests.support.signin import PHONE, VERIFY, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def passkeys_on(settings, no_rate_limits):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "testserver"


def sms_sign_in(client: Client):
    """A sign-in by SMS on the HTML pages; the verify response."""
    assert start(client).status_code == 302
    return client.post(VERIFY, {"code": last_code(PHONE)})


def with_passkey() -> tuple[Client, Authenticator]:
    """A person signed up by SMS who then added a passkey; their browser and authenticator."""
    client = Client()
    assert sms_sign_in(client).status_code == 302
    api = Api(client)
    authenticator = Authenticator()
    options = api.call("passkey_register_options").json()["publicKey"]
    added = api.call("passkey_register", {"credential": authenticator.create(options)})
    assert added.status_code == 201
    return client, authenticator


def passkey_sign_in(authenticator: Authenticator) -> Client:
    client = Client()
    api = Api(client)
    options = api.call("passkey_sign_in_options").json()["publicKey"]
    answer = authenticator.get(options)
    assert api.call("passkey_sign_in", {"credential": answer}).status_code == 200
    return client


def test_by_default_an_sms_still_signs_in_an_account_with_a_passkey():
    with_passkey()
    client = Client()
    with captured(signals.passkey_recovery_used) as seen:
        assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    assert seen == []
    assert not recovery.recovered(_request_of(client))


def _request_of(client):
    class Request:
        session = client.session

    return Request()


def test_in_recovery_mode_an_sms_sign_in_is_marked_and_announced(settings):
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    with_passkey()
    client = Client()
    with captured(signals.passkey_recovery_used) as seen:
        assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    assert client.session[recovery.RECOVERED_KEY] is True
    assert [kwargs["phone_number"] for _signal, kwargs in seen] == [PHONE]


def test_recovery_mode_leaves_accounts_without_a_passkey_alone(settings):
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 3600
    client = Client()
    with captured(signals.passkey_recovery_used, signals.passkey_recovery_started) as seen:
        assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    assert seen == []


def test_a_recovery_waits_then_signs_in(settings, monkeypatch):
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 3600
    with_passkey()
    client = Client()
    with captured(signals.passkey_recovery_started) as started:
        refused = sms_sign_in(client)
    assert refused.status_code == 403
    assert "come back in 60 minutes" in refused.content.decode()
    assert AUTH_SESSION_KEY not in client.session
    assert len(started) == 1

    # A second code during the wait does not start it again, and still may not sign in.
    with captured(signals.passkey_recovery_started) as again:
        assert sms_sign_in(client).status_code == 403
    assert again == []

    later = timezone.now() + timedelta(seconds=3601)
    monkeypatch.setattr(recovery.timezone, "now", lambda: later)
    assert sms_sign_in(client).status_code == 302
    assert AUTH_SESSION_KEY in client.session
    assert PasskeyUser.objects.get().recovery_started_at is None


def test_a_forgotten_wait_starts_over(settings, monkeypatch):
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 3600
    with_passkey()
    assert sms_sign_in(Client()).status_code == 403
    much_later = timezone.now() + timedelta(seconds=3600) + recovery.GRACE + timedelta(minutes=1)
    monkeypatch.setattr(recovery.timezone, "now", lambda: much_later)
    assert sms_sign_in(Client()).status_code == 403


def test_a_passkey_sign_in_calls_the_recovery_off(settings):
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 3600
    _client, authenticator = with_passkey()
    assert sms_sign_in(Client()).status_code == 403
    assert PasskeyUser.objects.get().recovery_started_at is not None
    passkey_sign_in(authenticator)
    assert PasskeyUser.objects.get().recovery_started_at is None


def test_the_api_says_how_long_a_recovery_waits(settings):
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 90
    with_passkey()
    api = Api(Client(enforce_csrf_checks=True))
    assert api.start(PHONE).status_code == 202
    refused = api.verify(last_code(PHONE))
    assert refused.status_code == 403
    assert refused.json()["error"] == "recovery_wait"
    assert refused.json()["retry_after"] == 90
    assert refused["Retry-After"] == "90"


def test_a_passkey_that_verified_its_user_is_the_strong_factor():
    _client, authenticator = with_passkey()
    client = passkey_sign_in(authenticator)
    response = client.get(reverse("protected"))
    assert response.status_code == 200


def test_an_sms_sign_in_stays_one_factor():
    client, _authenticator = with_passkey()  # signed in by SMS, then added a passkey
    assert client.get(reverse("protected")).status_code == 403


def test_a_passkey_without_user_verification_is_one_factor():
    _client, authenticator = with_passkey()
    authenticator.user_verified = False
    client = passkey_sign_in(authenticator)
    assert AUTH_SESSION_KEY in client.session
    assert client.session.get(two_factor.VERIFIED_SESSION_KEY) is None
    assert client.get(reverse("protected")).status_code == 403


def test_a_native_app_waits_out_a_recovery_too(settings):
    """Token mode signs in without a cookie session: the recovery's wait holds there as well."""
    settings.WEBOTP_API_TOKENS = True
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    settings.WEBOTP_PASSKEY_RECOVERY_WAIT = 600
    with_passkey()
    app = NativeApp()
    assert app.start(PHONE).status_code == 202
    refused = app.verify(last_code(PHONE))
    assert refused.status_code == 403
    assert refused.json()["error"] == "recovery_wait"
    assert "token" not in refused.json()


def test_a_recovery_sign_in_is_offered_a_new_passkey(settings):
    """The offer page usually skips an account that has a passkey; after a recovery it does
    not: the person lost theirs."""
    settings.WEBOTP_PASSKEY_SMS = "recovery"
    with_passkey()
    assert sms_sign_in(Client()).url.startswith(reverse("webotp:passkey_offer"))
    settings.WEBOTP_PASSKEY_SMS = "signin"
    assert not sms_sign_in(Client()).url.startswith(reverse("webotp:passkey_offer"))


def test_outside_recovery_mode_a_passkey_sign_in_looks_for_no_recovery(django_assert_num_queries):
    """call_off asks the database nothing unless the site is in recovery mode."""
    with_passkey()
    user = PasskeyUser.objects.select_related("user").get().user
    with django_assert_num_queries(0):
        recovery.call_off(user)
