"""Phone parsing: E.164 out, None for input that is not a number."""

import pytest

from django_webotp.phone import parse_phone


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
