"""The passkey routes: an app signs a person up by SMS, adds a passkey, and signs in with it
without an SMS; every refusal a documented 4xx (each answer is checked against the OpenAPI
document by the Api client)."""

import pytest
from django.contrib.auth import get_user_model

from django_webotp.flows import reauth
from django_webotp.models import Passkey
from django_webotp.testing import last_code
from tests.support.authenticator import Authenticator

pytestmark = pytest.mark.django_db
PHONE = "+447400123456"


@pytest.fixture(autouse=True)
def passkeys_on(settings):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "testserver"


def signed_in_by_sms(api):
    assert api.start(PHONE).status_code == 202
    assert api.verify(last_code(PHONE)).status_code == 200


def add_passkey(api, authenticator):
    options = api.call("passkey_register_options").json()["publicKey"]
    return api.call(
        "passkey_register", {"credential": authenticator.create(options), "name": "Phone"}
    )


def test_sms_once_then_a_passkey_signs_in_without_an_sms(api, other_api, sms_outbox):
    authenticator = Authenticator()
    signed_in_by_sms(api)
    added = add_passkey(api, authenticator)
    assert added.status_code == 201
    assert added.json()["passkey"]["name"] == "Phone"
    assert len(sms_outbox) == 1

    options = other_api.call("passkey_sign_in_options").json()["publicKey"]
    signed_in = other_api.call(
        "passkey_sign_in", {"credential": authenticator.get(options), "next": "/after/"}
    )
    assert signed_in.status_code == 200
    assert signed_in.json() == {"status": "verified", "redirect": "/after/"}
    user = get_user_model().objects.get(pk=other_api.client.session["_auth_user_id"])
    assert Passkey.objects.get().user == user
    assert len(sms_outbox) == 1


def test_a_replayed_sign_in_is_refused(api, other_api):
    authenticator = Authenticator()
    signed_in_by_sms(api)
    add_passkey(api, authenticator)
    options = other_api.call("passkey_sign_in_options").json()["publicKey"]
    answer = authenticator.get(options)
    assert other_api.call("passkey_sign_in", {"credential": answer}).status_code == 200
    again = other_api.call("passkey_sign_in", {"credential": answer})
    assert again.status_code == 400
    assert again.json()["error"] == "passkey_refused"
    assert again.json()["reason"] == "no_ceremony"


def test_an_answer_from_another_site_is_refused(api, other_api):
    authenticator = Authenticator()
    signed_in_by_sms(api)
    add_passkey(api, authenticator)
    options = other_api.call("passkey_sign_in_options").json()["publicKey"]
    answer = authenticator.get(options, origin="https://phish.example")
    refused = other_api.call("passkey_sign_in", {"credential": answer})
    assert (refused.status_code, refused.json()["reason"]) == (400, "invalid")
    assert "_auth_user_id" not in other_api.client.session


def test_adding_a_passkey_needs_a_signed_in_account(api):
    refused = api.call("passkey_register_options")
    assert (refused.status_code, refused.json()["error"]) == (403, "not_signed_in")
    refused = api.call("passkey_register", {"credential": {}})
    assert (refused.status_code, refused.json()["error"]) == (403, "not_signed_in")


def test_adding_a_passkey_needs_a_recent_sign_in(api, monkeypatch):
    signed_in_by_sms(api)
    later = reauth._now() + reauth.max_age() + 1
    monkeypatch.setattr(reauth, "_now", lambda: later)
    refused = api.call("passkey_register_options")
    assert (refused.status_code, refused.json()["error"]) == (403, "reauth_required")


@pytest.mark.parametrize(
    "body", [{}, {"credential": "x"}, {"credential": []}, {"credential": {}, "name": 5}]
)
def test_malformed_answers_are_400s(api, body):
    signed_in_by_sms(api)
    api.call("passkey_register_options")
    response = api.call("passkey_register", body)
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "passkey_refused"}


def test_a_form_body_is_not_an_answer(api):
    api.call("passkey_sign_in_options")
    response = api.call("passkey_sign_in", {"credential": "{}"}, form=True)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_without_csrf_nothing_begins(api):
    response = api.client.post("/api/webotp/passkeys/sign-in/options/")
    assert (response.status_code, response.json()["error"]) == (403, "csrf_failed")


def test_passkeys_off_answer_404(api, settings):
    settings.WEBOTP_PASSKEYS = False
    response = api.call("passkey_sign_in_options")
    assert (response.status_code, response.json()["error"]) == (404, "passkeys_off")


def test_ceremonies_are_rate_limited_per_client(api, settings):
    settings.WEBOTP_RATELIMIT_PASSKEY = "2/h"  # an hour's window: none ends mid-test
    assert api.call("passkey_sign_in_options").status_code == 200
    assert api.call("passkey_sign_in_options").status_code == 200
    refused = api.call("passkey_sign_in_options")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
