"""django-two-factor-auth 1.18's SMS tokens through the app's gateway: origin-bound, in the
locmem outbox, read by the browsers' parser and accepted by its device; destination rules and
SMS budgets asked first; phone calls refused in a sentence."""

import importlib
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from two_factor.plugins.phonenumber.models import PhoneDevice

from django_webotp import signals, sms
from django_webotp.integrations.two_factor_auth import CallsNotOffered, Gateway
from django_webotp.sms_format import parse_origin_bound_message
from django_webotp.testing import last_code, last_message

PHONE = "+447911123456"


@pytest.fixture
def device(db, settings):
    settings.WEBOTP_DOMAIN = "example.com"  # its gateways are given no request
    user = get_user_model().objects.create_user("erin")
    return PhoneDevice.objects.create(user=user, name="default", number=PHONE, method="sms")


def test_a_token_arrives_origin_bound_and_verifies(device):
    device.generate_challenge()
    message = last_message(PHONE)
    assert message is not None and len(sms.outbox) == 1
    parsed = parse_origin_bound_message(message.body)
    assert parsed is not None and parsed.host == "example.com"
    assert message.body.startswith(f"{parsed.code} is your Example verification code.")
    assert device.verify_token(last_code(PHONE))


def test_a_number_outside_the_allowed_regions_is_sent_nothing(device, settings):
    settings.WEBOTP_ALLOWED_REGIONS = ["US"]
    device.generate_challenge()
    assert sms.outbox == []


def test_a_spent_budget_sends_nothing_and_is_signalled(device, settings):
    settings.WEBOTP_SMS_BUDGETS = {"number": "1/h"}
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    signals.budget_exceeded.connect(listener)
    try:
        device.generate_challenge()
        device.generate_challenge()
    finally:
        signals.budget_exceeded.disconnect(listener)
    assert len(sms.outbox) == 1
    assert [(h["reason"], h["purpose"]) for h in heard] == [("number", "two_factor")]


def test_a_provider_that_fails_raises_nothing(device, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    device.generate_challenge()  # logged; its pages go on (backup tokens remain)
    assert sms.outbox == []


def test_calls_are_refused_in_a_sentence(device, settings):
    settings.TWO_FACTOR_CALL_GATEWAY = "django_webotp.integrations.two_factor_auth.Gateway"
    device.method = "call"
    with pytest.raises(CallsNotOffered, match="phone calls are not offered"):
        device.generate_challenge()
    assert sms.outbox == []


def test_the_call_refusal_speaks_spanish(device):
    with translation.override("es"), pytest.raises(CallsNotOffered, match="llamadas"):
        Gateway().make_call(device, "123456")


def test_without_two_factor_auth_the_import_says_which_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "two_factor.middleware.threadlocals", None)
    monkeypatch.delitem(sys.modules, "django_webotp.integrations.two_factor_auth", raising=False)
    with pytest.raises(
        ImproperlyConfigured, match=r'pip install "django-webotp\[two-factor-auth\]"'
    ):
        importlib.import_module("django_webotp.integrations.two_factor_auth")
