"""The passkey pages as a browser drives them: the offer after an SMS sign-in, "Not now", the
account's list (rename, remove, the last one's warning), and the phone page's passkey sign-in."""

import json
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from django_webotp.flows import reauth
from django_webotp.models import Passkey
from django_webotp.testing import last_code
from tests.support.authenticator import Authenticator
from tests.support.signin import PHONE, VERIFY, start
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

OFFER = reverse("webotp:passkey_offer")
MANAGE = reverse("webotp:passkeys")


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "testserver"


def sms_sign_in(client, next_url="/after/"):
    start(client, PHONE, next=next_url)
    return client.post(VERIFY, {"code": last_code(PHONE)})


def sign_out(client):
    """Drop the session but keep the browser's other cookies (Client.logout() clears them)."""
    del client.cookies[settings.SESSION_COOKIE_NAME]


def post_json(client, name, body):
    return client.post(reverse(name), json.dumps(body), content_type="application/json")


def add_passkey(client, authenticator, name="Laptop"):
    options = post_json(client, "webotp:passkey_register_options", {}).json()["publicKey"]
    answer = {"credential": authenticator.create(options), "name": name}
    response = post_json(client, "webotp:passkey_register", answer)
    assert response.status_code == 201
    return Passkey.objects.get(name=name)


def test_an_sms_sign_in_is_offered_a_passkey_and_keeps_next(client):
    response = sms_sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == f"{OFFER}?next=%2Fafter%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Sign in faster next time with a passkey" in page
    assert 'data-next="/after/"' in page
    assert f'data-options-url="{reverse("webotp:passkey_register_options")}"' in page


def test_the_offer_page_does_not_follow_a_next_off_the_site(client):
    sms_sign_in(client)
    page = client.get(OFFER, {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in page


def test_no_offer_when_passkeys_are_off(client, settings):
    settings.WEBOTP_PASSKEYS = False
    assert sms_sign_in(client)["Location"] == "/after/"


def test_the_offer_page_goes_on_to_next_once_passkeys_are_off(client, settings):
    sms_sign_in(client)
    settings.WEBOTP_PASSKEYS = False
    response = client.get(OFFER, {"next": "/after/"})
    assert response.status_code == 302
    assert response["Location"] == "/after/"


def test_no_offer_for_an_account_with_a_passkey(client):
    sms_sign_in(client)
    add_passkey(client, Authenticator())
    sign_out(client)
    assert sms_sign_in(client)["Location"] == "/after/"


def test_not_now_goes_on_and_snoozes_the_offer_for_its_days(client, settings, monkeypatch):
    settings.WEBOTP_PASSKEY_OFFER_DAYS = 30
    sms_sign_in(client)
    response = client.post(OFFER, {"next": "/after/"})
    assert response.status_code == 302
    assert response["Location"] == "/after/"
    sign_out(client)
    assert sms_sign_in(client)["Location"] == "/after/"
    sign_out(client)
    later = time.time() + 31 * 86400  # the signed cookie's clock, moved past the 30 days
    monkeypatch.setattr(time, "time", lambda: later)
    assert sms_sign_in(client)["Location"].startswith(OFFER)


def test_a_snooze_is_the_account_s_own(client):
    sms_sign_in(client)
    client.post(OFFER, {"next": "/"})
    sign_out(client)
    start(client, "+447400123456")
    assert client.post(VERIFY, {"code": last_code("+447400123456")})["Location"].startswith(OFFER)


@pytest.mark.parametrize("url", [OFFER, MANAGE])
def test_the_pages_are_for_signed_in_accounts(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("webotp:login") in response["Location"]


def test_the_manage_page_lists_each_passkey(client):
    sms_sign_in(client)
    add_passkey(client, Authenticator(synced=True), "Phone")
    add_passkey(client, Authenticator(synced=False), "Key")
    page = client.get(MANAGE).content.decode()
    assert "Phone" in page and "Key" in page
    assert "Synced across your devices." in page
    assert "Only on the device that made it." in page
    assert "Not used yet." in page
    assert "Add a passkey" in page


def test_the_manage_page_without_passkeys_says_sms(client):
    sms_sign_in(client)
    page = client.get(MANAGE).content.decode()
    assert "you sign in with a code sent by text message" in page


def test_rename(client):
    sms_sign_in(client)
    passkey = add_passkey(client, Authenticator())
    response = client.post(MANAGE, {"action": "rename", "passkey": passkey.pk, "name": " Work "})
    assert response.status_code == 200
    passkey.refresh_from_db()
    assert passkey.name == "Work"


def test_another_account_s_passkey_cannot_be_renamed_or_removed(client):
    other = make_user("bob")
    theirs = Passkey.objects.create(user=other, credential_id=b"x", public_key=b"y", name="Bob's")
    sms_sign_in(client)
    add_passkey(client, Authenticator())
    for action in ("rename", "remove"):
        fields = {"action": action, "passkey": theirs.pk, "name": "Mine", "confirm": "yes"}
        assert client.post(MANAGE, fields).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Bob's"


def test_removing_one_of_two_needs_no_confirmation(client):
    sms_sign_in(client)
    first = add_passkey(client, Authenticator(), "One")
    add_passkey(client, Authenticator(), "Two")
    response = client.post(MANAGE, {"action": "remove", "passkey": first.pk})
    assert response.status_code == 302
    assert list(Passkey.objects.values_list("name", flat=True)) == ["Two"]
    assert "The passkey is removed." in client.get(response["Location"]).content.decode()


def test_removing_the_last_passkey_warns_first(client):
    sms_sign_in(client)
    passkey = add_passkey(client, Authenticator())
    warning = client.post(MANAGE, {"action": "remove", "passkey": passkey.pk})
    assert warning.status_code == 200
    assert "you sign in with a code sent by text message" in warning.content.decode()
    assert Passkey.objects.exists()
    fields = {"action": "remove", "passkey": passkey.pk, "confirm": "yes"}
    assert client.post(MANAGE, fields).status_code == 302
    assert not Passkey.objects.exists()


def test_manage_posts_need_csrf(client):
    sms_sign_in(client)
    passkey = add_passkey(client, Authenticator())
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    fields = {"action": "remove", "passkey": passkey.pk, "confirm": "yes"}
    assert strict.post(MANAGE, fields).status_code == 403
    assert Passkey.objects.exists()


def test_the_phone_page_offers_a_passkey_only_when_on(client, settings):
    page = client.get(reverse("webotp:login")).content.decode()
    assert 'autocomplete="tel webauthn"' in page
    assert "Use a passkey" in page
    assert f'data-options-url="{reverse("webotp:passkey_sign_in_options")}"' in page
    assert "django_webotp/passkeys.js" in page
    settings.WEBOTP_PASSKEYS = False
    page = client.get(reverse("webotp:login")).content.decode()
    assert 'autocomplete="tel"' in page
    assert "Use a passkey" not in page


def test_the_pages_routes_sign_in_with_a_passkey_and_no_sms(client, sms_outbox):
    authenticator = Authenticator()
    sms_sign_in(client)
    add_passkey(client, authenticator)
    fresh = Client()
    options = post_json(fresh, "webotp:passkey_sign_in_options", {}).json()["publicKey"]
    answer = {"credential": authenticator.get(options), "next": "/after/"}
    response = post_json(fresh, "webotp:passkey_sign_in", answer)
    assert response.json() == {"status": "verified", "redirect": "/after/"}
    assert fresh.session[SESSION_KEY] == client.session[SESSION_KEY]
    assert len(sms_outbox) == 1


def test_the_pages_speak_the_browser_s_language(client):
    sms_sign_in(client)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    offer = client.get(OFFER).content.decode()
    assert "Inicia sesión más rápido la próxima vez con una llave de acceso" in offer
    assert "Ahora no" in offer
    assert "No tienes llaves de acceso" in client.get(MANAGE).content.decode()


def test_long_after_the_sign_in_the_manage_page_says_sign_in_again(client, monkeypatch):
    """Adding a passkey needs a recent sign-in: the page says so and links to one, instead of a
    button that could only fail."""
    sms_sign_in(client)
    assert b"data-webotp-passkey-start" in client.get(MANAGE).content
    later = reauth._now() + reauth.max_age() + 1
    monkeypatch.setattr(reauth, "_now", lambda: later)
    page = client.get(MANAGE).content.decode()
    assert "data-webotp-passkey-start" not in page
    assert f'href="{reverse("webotp:login")}?next={MANAGE}"' in page
    again = sms_sign_in(client, next_url=MANAGE)
    assert again.status_code == 302
    assert "data-webotp-passkey-start" in client.get(MANAGE).content.decode()
