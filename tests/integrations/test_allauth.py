"""django-allauth 65's phone login by code and phone verification, sent the app's way: an
origin-bound SMS in the locmem outbox whose code the browsers' parser reads and allauth accepts,
the destination rules in allauth's phone field, a spent SMS budget as allauth's 429."""

import importlib
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from django_webotp import signals, sms
from django_webotp.sms_format import parse_origin_bound_message
from django_webotp.testing import last_code, last_message
from tests.integrations.models import Phone

PHONE = "+447911123456"
US_PHONE = "+12025550123"
REQUEST = reverse("account_request_login_code")
CONFIRM = reverse("account_confirm_login_code")


@pytest.fixture
def dora(db):
    """An account whose verified number signs it in."""
    user = get_user_model().objects.create_user("dora")
    Phone.objects.create(user=user, number=PHONE, verified=True)
    return user


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_login_code_arrives_origin_bound_and_signs_in(client, dora):
    response = client.post(REQUEST, {"phone": PHONE})
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)
    message = last_message(PHONE)
    assert message is not None and len(sms.outbox) == 1
    parsed = parse_origin_bound_message(message.body)
    assert parsed is not None and parsed.host == "testserver"
    assert message.body.startswith(f"{parsed.code} is your Example sign-in code.")

    response = client.post(CONFIRM, {"code": last_code(PHONE)})
    assert response.status_code == 302
    assert signed_in_as(client) == str(dora.pk)


def test_the_code_page_asks_the_browser_for_the_code(client, dora):
    client.post(REQUEST, {"phone": PHONE})
    page = client.get(CONFIRM).content.decode()
    assert 'autocomplete="one-time-code"' in page
    # allauth.js marks the form for webotp.js, so it loads first.
    assert page.index("django_webotp/allauth.js") < page.index("django_webotp/webotp.js")


def test_a_wrong_code_does_not_sign_in(client, dora):
    client.post(REQUEST, {"phone": PHONE})
    wrong = "0" if last_code(PHONE) != "0" else "1"
    client.post(CONFIRM, {"code": wrong})
    assert signed_in_as(client) is None


def test_a_number_outside_the_allowed_regions_is_a_form_error(client, dora, settings):
    settings.WEBOTP_ALLOWED_REGIONS = ["GB"]
    response = client.post(REQUEST, {"phone": US_PHONE})
    assert response.status_code == 200
    assert "we cannot send codes to phone numbers in this country" in response.content.decode()
    assert sms.outbox == []


def test_a_premium_rate_number_is_a_form_error(client, db):
    response = client.post(REQUEST, {"phone": "+449098790000"})
    assert "Please use a mobile number" in response.content.decode()
    assert sms.outbox == []


def test_a_spent_budget_is_allauths_429_and_signalled(client, dora, settings):
    settings.WEBOTP_SMS_BUDGETS = {"number": "1/h"}
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    signals.budget_exceeded.connect(listener)
    try:
        client.post(REQUEST, {"phone": PHONE})
        client.cookies.clear()
        response = client.post(REQUEST, {"phone": PHONE})
    finally:
        signals.budget_exceeded.disconnect(listener)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(sms.outbox) == 1
    assert [(h["reason"], h["phone_number"]) for h in heard] == [("number", PHONE)]


def test_a_provider_that_fails_is_no_500(client, dora, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    response = client.post(REQUEST, {"phone": PHONE})
    assert response.status_code == 302  # allauth's code page, where a new code can be asked for
    assert sms.outbox == []


def test_signing_up_verifies_the_number_by_an_origin_bound_code(client, db):
    response = client.post(reverse("account_signup"), {"phone": PHONE})
    assert response.status_code == 302
    message = last_message(PHONE)
    assert message is not None
    assert "is your code to add this number to your Example account." in message.body
    assert 'autocomplete="one-time-code"' in client.get(response["Location"]).content.decode()

    client.post(reverse("account_verify_phone"), {"code": last_code(PHONE)})
    assert Phone.objects.get(number=PHONE).verified


def test_the_sms_speaks_the_persons_language(client, dora):
    client.post(REQUEST, {"phone": PHONE}, HTTP_ACCEPT_LANGUAGE="es")
    code = last_code(PHONE)
    assert last_message(PHONE).body.startswith(f"{code} es tu clave de acceso a Example.")


def test_without_allauth_the_import_says_which_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "allauth.core.exceptions", None)
    monkeypatch.delitem(sys.modules, "django_webotp.integrations.allauth", raising=False)
    with pytest.raises(ImproperlyConfigured, match=r'pip install "django-webotp\[allauth\]"'):
        importlib.import_module("django_webotp.integrations.allauth")
