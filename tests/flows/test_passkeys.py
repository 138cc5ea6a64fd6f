"""Passkey ceremonies (flows.passkeys), answered by a software authenticator that py_webauthn
checks as it checks a browser's: registration, sign-in without an SMS, and every refusal."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from webauthn.helpers import bytes_to_base64url

from django_webotp import signals
from django_webotp.flows import passkey_ceremony, passkeys, reauth
from django_webotp.flows.passkeys import PasskeyRefused
from django_webotp.models import Passkey, PasskeyUser
from tests.support.authenticator import Authenticator
from tests.support.signals import captured
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.WEBOTP_PASSKEY_RP_ID = "testserver"


def a_request(session=None):
    request = RequestFactory().post("/")
    request.session = session if session is not None else SessionStore()
    request.user = AnonymousUser()
    return request


@pytest.fixture
def alice():
    return make_user("+447400123456")


def recently_signed_in(user, session=None):
    """A request whose session ``user`` signed in to just now (what adding a passkey needs)."""
    request = a_request(session)
    reauth.mark(request, user, method="sign-in")
    return request


def registered(user, authenticator=None, session=None):
    """``user`` with a passkey on ``authenticator`` (a new one if not given)."""
    authenticator = authenticator or Authenticator()
    request = recently_signed_in(user, session)
    options = passkeys.registration_options(request, user)
    passkey = passkeys.register(request, user, authenticator.create(options), name="Phone")
    return authenticator, passkey


def sign_in(authenticator, **answer_changes):
    request = a_request()
    options = passkeys.sign_in_options(request)
    answer = authenticator.get(options, **answer_changes)
    return request, passkeys.sign_in(request, answer, "/next/")


def test_a_registered_passkey_signs_its_user_in_without_an_sms(alice, sms_outbox):
    authenticator, passkey = registered(alice)
    assert passkey.user == alice
    assert passkey.name == "Phone"
    assert passkey.backup_eligible and passkey.backed_up and passkey.synced
    assert passkey.transports == ["internal", "hybrid"]

    request, next_url = sign_in(authenticator)

    assert next_url == "/next/"
    assert request.user == alice
    assert request.session[AUTH_SESSION_KEY] == str(alice.pk)
    assert request.session[BACKEND_SESSION_KEY] == "django_webotp.backends.PhoneOTPBackend"
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert sms_outbox == []


def test_the_user_handle_is_random_and_the_same_for_every_passkey_of_an_account(alice):
    request = recently_signed_in(alice)
    first = passkeys.registration_options(request, alice)
    handle = PasskeyUser.objects.get(user=alice).handle
    assert len(handle) == 32
    assert first["user"]["id"] == bytes_to_base64url(bytes(handle))
    assert str(alice.pk).encode() != bytes(handle)
    assert b"7400123456" not in bytes(handle)
    again = passkeys.registration_options(recently_signed_in(alice), alice)
    assert first["user"]["id"] == again["user"]["id"]
    assert make_user("bob") and PasskeyUser.handle_for(make_user("carol")) != bytes(handle)


def test_registration_options_prefer_resident_keys_and_verification_and_exclude_known_ones(alice):
    authenticator, _passkey = registered(alice)
    options = passkeys.registration_options(recently_signed_in(alice), alice)
    assert options["rp"]["id"] == "testserver"
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert [c["id"] for c in options["excludeCredentials"]] == [
        bytes_to_base64url(authenticator.credential_id)
    ]


def test_sign_in_options_name_no_account(alice):
    registered(alice)
    options = passkeys.sign_in_options(a_request())
    assert options.get("allowCredentials", []) == []
    assert options["rpId"] == "testserver"


def test_signals_for_registration_and_use(alice):
    with captured(signals.passkey_registered, signals.passkey_used) as seen:
        authenticator, passkey = registered(alice)
        sign_in(authenticator)
    assert [(signal, kw["user"], kw["passkey"].pk) for signal, kw in seen] == [
        (signals.passkey_registered, alice, passkey.pk),
        (signals.passkey_used, alice, passkey.pk),
    ]


def test_a_replayed_answer_is_refused_the_challenge_is_used_once(alice):
    authenticator, _passkey = registered(alice)
    request = a_request()
    answer = authenticator.get(passkeys.sign_in_options(request))
    passkeys.sign_in(request, answer, None)
    again = a_request(request.session)
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.sign_in(again, answer, None)
    assert refused.value.code == "no_ceremony"


def test_a_failed_answer_uses_the_challenge_up_too(alice):
    authenticator, _passkey = registered(alice)
    request = a_request()
    options = passkeys.sign_in_options(request)
    with pytest.raises(PasskeyRefused):
        passkeys.sign_in(request, authenticator.get(options, origin="https://evil.example"), None)
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.sign_in(request, authenticator.get(options), None)
    assert refused.value.code == "no_ceremony"


def test_an_expired_ceremony_is_refused(alice, monkeypatch, settings):
    settings.WEBOTP_PASSKEY_TIMEOUT = 60
    authenticator, _passkey = registered(alice)
    request = a_request()
    answer = authenticator.get(passkeys.sign_in_options(request))
    later = time.time() + 61
    monkeypatch.setattr(passkey_ceremony.time, "time", lambda: later)
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.sign_in(request, answer, None)
    assert refused.value.code == "no_ceremony"
    assert request.user.is_anonymous


def test_a_ceremony_answers_only_its_own_kind_and_account(alice):
    bob = make_user("bob")
    authenticator = Authenticator()
    request = recently_signed_in(alice)
    options = passkeys.registration_options(request, alice)
    reauth.mark(request, bob, method="sign-in")
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.register(request, bob, authenticator.create(options))
    assert refused.value.code == "no_ceremony"
    assert not Passkey.objects.exists()

    _authenticator, _passkey = registered(alice, authenticator)
    request = recently_signed_in(alice)
    options = passkeys.registration_options(request, alice)
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.sign_in(request, authenticator.get(options), None)
    assert refused.value.code == "no_ceremony"


def test_an_answer_from_another_origin_is_refused(alice):
    authenticator, _passkey = registered(alice)
    with pytest.raises(PasskeyRefused) as refused:
        sign_in(authenticator, origin="https://testserver.evil.example")
    assert refused.value.code == "invalid"


def test_an_answer_for_another_relying_party_is_refused(alice, settings):
    authenticator, _passkey = registered(alice)
    settings.WEBOTP_PASSKEY_RP_ID = "other.example"
    settings.WEBOTP_PASSKEY_ORIGINS = ["http://testserver"]
    with pytest.raises(PasskeyRefused) as refused:
        request = a_request()
        options = passkeys.sign_in_options(request)
        passkeys.sign_in(request, authenticator.get({**options, "rpId": "testserver"}), None)
    assert refused.value.code == "invalid"


def test_a_tampered_signature_is_refused(alice):
    authenticator, _passkey = registered(alice)
    request = a_request()
    answer = authenticator.get(passkeys.sign_in_options(request))
    other = Authenticator(credential_id=authenticator.credential_id)  # another key, same id
    forged = other.get({"challenge": _challenge_of(answer)})
    answer["response"]["signature"] = forged["response"]["signature"]
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.sign_in(request, answer, None)
    assert refused.value.code == "invalid"
    assert request.user.is_anonymous


def _challenge_of(answer):
    data = answer["response"]["clientDataJSON"]
    return json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))["challenge"]


def test_an_unknown_passkey_is_refused(alice):
    registered(alice)
    with pytest.raises(PasskeyRefused) as refused:
        sign_in(Authenticator())
    assert refused.value.code == "unknown"


@pytest.mark.parametrize(
    "answer", ["not json", "{}", {}, {"rawId": "!!!"}, {"rawId": ""}, {"rawId": 5}, "[]", b"\xff"]
)
def test_odd_answers_are_refused_not_raised(alice, answer):
    registered(alice)
    request = a_request()
    passkeys.sign_in_options(request)
    with pytest.raises(PasskeyRefused):
        passkeys.sign_in(request, answer, None)
    request = recently_signed_in(alice)
    passkeys.registration_options(request, alice)
    with pytest.raises(PasskeyRefused):
        passkeys.register(request, alice, answer)


def test_a_counter_that_goes_backwards_is_refused_and_signalled(alice):
    authenticator = Authenticator(counter=10, synced=False)
    authenticator, passkey = registered(alice, authenticator)
    sign_in(authenticator)
    copy = Authenticator(
        counter=5, synced=False, credential_id=authenticator.credential_id, key=authenticator.key
    )
    copy.user_handle = authenticator.user_handle
    with captured(signals.passkey_cloned) as seen, pytest.raises(PasskeyRefused) as refused:
        sign_in(copy)
    assert refused.value.code == "cloned"
    assert [kw["sign_count"] for _signal, kw in seen] == [6]
    passkey.refresh_from_db()
    assert passkey.sign_count == 12
    assert not passkey.synced


def test_a_passkey_without_a_counter_signs_in_every_time(alice):
    authenticator, _passkey = registered(alice, Authenticator(counter=None))
    for _ in range(3):
        request, _next = sign_in(authenticator)
        assert request.user == alice


def test_an_inactive_account_cannot_sign_in_with_its_passkey(alice):
    authenticator, _passkey = registered(alice)
    alice.is_active = False
    alice.save()
    with pytest.raises(PasskeyRefused) as refused:
        sign_in(authenticator)
    assert refused.value.code == "inactive"


def test_the_same_passkey_is_not_registered_twice(alice):
    authenticator, _passkey = registered(alice)
    request = recently_signed_in(alice)
    options = passkeys.registration_options(request, alice)
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.register(request, alice, authenticator.create(options))
    assert refused.value.code == "duplicate"
    assert Passkey.objects.count() == 1


def test_remove_and_rename_touch_only_the_accounts_own_passkeys(alice):
    bob = make_user("bob")
    _authenticator, passkey = registered(alice)
    assert not passkeys.rename(bob, passkey.pk, "Mine now")
    assert not passkeys.remove(a_request(), bob, passkey.pk)
    assert passkeys.rename(alice, passkey.pk, "  Laptop  ")
    passkey.refresh_from_db()
    assert passkey.name == "Laptop"
    with captured(signals.passkey_removed) as seen:
        assert passkeys.remove(a_request(), alice, passkey.pk)
    assert [kw["passkey"].name for _signal, kw in seen] == ["Laptop"]
    assert not Passkey.objects.exists()


def test_the_relying_party_id_comes_from_settings_outside_debug(settings):
    settings.WEBOTP_PASSKEY_RP_ID = None
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_PASSKEY_RP_ID"):
        passkeys.sign_in_options(a_request())
    settings.DEBUG = True
    request = RequestFactory(HTTP_HOST="localhost:8000").get("/")
    request.session = SessionStore()
    assert passkeys.sign_in_options(request)["rpId"] == "localhost"


def test_only_a_recent_sign_in_may_add_a_passkey(alice, monkeypatch, settings):
    """A session cookie stolen long after its sign-in must not add a way in of its own."""
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.registration_options(a_request(), alice)
    assert refused.value.code == "not_recent"
    settings.WEBOTP_REAUTH_MAX_AGE = 300
    request = recently_signed_in(alice)
    options = passkeys.registration_options(request, alice)
    later = int(time.time()) + 301
    monkeypatch.setattr(reauth, "_now", lambda: later)
    with pytest.raises(PasskeyRefused) as refused:
        passkeys.register(request, alice, Authenticator().create(options))
    assert refused.value.code == "not_recent"
    assert not Passkey.objects.exists()
