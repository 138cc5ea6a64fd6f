"""The SMS's last line for an iframe and for an Android app, and the settings' system checks."""

from __future__ import annotations

import logging
import sys

import pytest
from django.core.checks import Warning

from django_webotp import checks
from django_webotp.checks import check_settings
from django_webotp.models import Challenge
from django_webotp.sms_format import OriginBoundCode, parse_origin_bound_message, sms_segments
from django_webotp.testing import last_code, last_message
from tests.support.readers import chrome_reads

pytestmark = pytest.mark.django_db

PHONE = "+447400123456"
APP_HASH = "FA+9qCX9VSu"


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def sign_in_sms(client) -> str:
    assert client.post("/login/", {"phone_number": PHONE}).status_code == 302
    return last_message(PHONE).body


def test_iframe_form_names_both_hosts(client, settings):
    settings.WEBOTP_DOMAIN = "shop.example"
    settings.WEBOTP_EMBEDDED_DOMAIN = "Login.Example"
    body = sign_in_sms(client)
    code = last_code(PHONE)
    assert body.endswith(f"\n\n@shop.example #{code} @login.example")
    expected = OriginBoundCode("shop.example", code, "login.example")
    assert parse_origin_bound_message(body) == expected
    assert chrome_reads(body) == expected


def test_android_app_hash_ends_the_last_line(client, settings):
    settings.WEBOTP_ANDROID_APP_HASH = APP_HASH
    body = sign_in_sms(client)
    code = last_code(PHONE)
    assert body == f"{code} is your Example sign-in code.\n\n@testserver #{code} {APP_HASH}"
    assert chrome_reads(body) == OriginBoundCode("testserver", code)
    assert sms_segments(body) == 1  # the SMS Retriever reads at most 140 bytes


def test_everything_at_once_still_reads_the_same_everywhere(client, settings):
    settings.WEBOTP_DOMAIN = "shop.example"
    settings.WEBOTP_EMBEDDED_DOMAIN = "login.example"
    settings.WEBOTP_ANDROID_APP_HASH = APP_HASH
    settings.WEBOTP_LINK = True
    body = sign_in_sms(client)
    code = last_code(PHONE)
    last_line = body.rsplit("\n", 1)[1]
    assert last_line == f"@shop.example #{code} @login.example {APP_HASH}"
    expected = OriginBoundCode("shop.example", code, "login.example")
    assert parse_origin_bound_message(body) == expected
    assert chrome_reads(body) == expected
    assert "/login/c/" in body.splitlines()[1]


def test_an_app_hash_on_a_message_over_one_segment_is_logged(client, settings, caplog):
    settings.WEBOTP_ANDROID_APP_HASH = APP_HASH
    settings.WEBOTP_SITE_NAME = "A Very Long Site Name " * 5
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        body = sign_in_sms(client)
    assert sms_segments(body) == 2
    assert any("SMS Retriever will ignore it" in r.getMessage() for r in caplog.records)
    assert Challenge.objects.get().delivery_status == "sent"  # still sent: browsers read it


# --- system checks -----------------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["https://login.example", "login.example:443", "a b", "x/y"])
def test_embedded_domain_must_be_a_bare_host(settings, domain):
    settings.WEBOTP_DOMAIN = "shop.example"
    settings.WEBOTP_EMBEDDED_DOMAIN = domain
    [error] = check_settings()
    assert error.id == "webotp.E060"
    assert repr(domain) in error.msg


def test_embedded_domain_needs_the_top_level_domain(settings):
    settings.WEBOTP_EMBEDDED_DOMAIN = "login.example"
    [error] = check_settings()
    assert error.id == "webotp.E061"
    assert error.msg == checks.E061


def test_a_good_iframe_setup_is_clean(settings):
    settings.WEBOTP_DOMAIN = "shop.example"
    settings.WEBOTP_EMBEDDED_DOMAIN = "login.example"
    assert check_settings() == []


@pytest.mark.parametrize("value", ["", "short", "FA+9qCX9VSu-", "FA_9qCX9VSu", 12345678901])
def test_app_hash_shape(settings, value):
    settings.WEBOTP_ANDROID_APP_HASH = value
    [error] = check_settings()
    assert error.id == "webotp.E062"
    assert error.msg == checks.E062.format(value=value)


def test_a_good_app_hash_is_clean(settings):
    settings.WEBOTP_ANDROID_APP_HASH = APP_HASH
    assert check_settings() == []


@pytest.mark.parametrize(
    "value",
    [
        "example.com",
        "https://example.com/login/",
        "https://example.com?x=1",
        "ftp://example.com",
        1,
    ],
)
def test_link_base_url_is_a_scheme_and_host(settings, value):
    settings.WEBOTP_LINK_BASE_URL = value
    [error] = check_settings()
    assert error.id == "webotp.E063"


@pytest.mark.parametrize("value", ["https://example.com", "http://127.0.0.1:8000/"])
def test_good_link_base_urls(settings, value):
    settings.WEBOTP_LINK_BASE_URL = value
    assert check_settings() == []


def test_production_link_base_url_is_https(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.project.urls_without_dev"
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.dummy.SmsBackend"
    settings.WEBOTP_DOMAIN = "example.com"
    settings.WEBOTP_LINK_BASE_URL = "http://example.com"
    result = check_settings()
    assert [item.id for item in result] == ["webotp.W002", "webotp.E064"]  # W002: locmem cache
    assert result[1].msg == checks.E064


def test_qr_without_segno_is_a_warning(settings, monkeypatch):
    settings.WEBOTP_LINK_QR = True
    assert check_settings() == []
    monkeypatch.setitem(sys.modules, "segno", None)
    assert check_settings() == [
        Warning(checks.W060, hint="pip install django-webotp[qr]", id="webotp.W060")
    ]
