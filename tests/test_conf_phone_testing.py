"""Small modules: lazy settings, phone parsing, and the test helpers shipped for sites."""

import pytest

from django_webotp import sms
from django_webotp.conf import DEFAULTS, webotp_settings
from django_webotp.phone import parse_phone
from django_webotp.sms import SmsMessage
from django_webotp.testing import last_code, last_message


def test_settings_are_read_lazily(settings):
    assert DEFAULTS["CODE_TTL"] == webotp_settings.CODE_TTL
    settings.WEBOTP_CODE_TTL = 60
    assert webotp_settings.CODE_TTL == 60
    assert "CODE_TTL" in dir(webotp_settings)


def test_unknown_setting_names_itself():
    with pytest.raises(AttributeError, match="WEBOTP_NOPE"):
        webotp_settings.NOPE  # noqa: B018


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+44 7911 123456", None, "+447911123456"),
        ("07911 123456", "GB", "+447911123456"),
        ("(201) 555-0123", "US", "+12015550123"),
        ("+1 201 555 0123", "GB", "+12015550123"),
    ],
)
def test_parse_phone_normalises_to_e164(raw, region, expected):
    assert parse_phone(raw, region).as_e164 == expected


@pytest.mark.parametrize("raw", ["", "hello", "+", "+44", "1" * 70, "07911 123456\x00"])
def test_parse_phone_returns_none_for_bad_input(raw, settings):
    settings.PHONENUMBER_DEFAULT_REGION = None
    assert parse_phone(raw) is None


def test_default_region_setting_wins(settings):
    settings.WEBOTP_DEFAULT_REGION = "US"
    assert parse_phone("(201) 555-0123").as_e164 == "+12015550123"


def test_last_code_reads_the_origin_bound_line():
    assert last_code() is None
    sms.outbox.append(SmsMessage("+447911123456", "hi\n\n@example.com #424242"))
    sms.outbox.append(SmsMessage("+15555550100", "no code here"))
    assert last_code("+447911123456") == "424242"
    assert last_code("+15555550100") is None
    assert last_message().to == "+15555550100"
    assert last_message("+10000000000") is None
    assert last_code("+10000000000") is None


def test_sms_outbox_fixture_switches_to_locmem(sms_outbox, settings):
    assert settings.WEBOTP_SMS_BACKEND == "django_webotp.sms.backends.locmem.SmsBackend"
    sms.send_sms("+447911123456", "x\n\n@example.com #1")
    assert len(sms_outbox) == 1
