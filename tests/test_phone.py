"""Phone parsing: E.164 out, None for input that is not a number."""

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from phonenumber_field.phonenumber import PhoneNumber

from django_webotp.models import PhoneIdentity
from django_webotp.phone import (
    KnownNumber,
    display_number,
    known_number,
    number_facts,
    parse_phone,
)


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


def test_a_known_number_is_a_new_object_each_time_and_reads_as_phonenumbers_parses_it():
    first, second = known_number("+447911123456"), known_number("+447911123456")
    assert first is not second  # never one object shared between requests
    assert first == second == PhoneNumber.from_string("+447911123456")
    assert first.is_valid() and str(first) == "+447911123456"
    assert first.as_national == PhoneNumber.from_string("+447911123456").as_national


def test_an_invalid_number_stays_invalid_and_no_number_is_none():
    assert known_number("+4479111") is not None and not known_number("+4479111").is_valid()
    assert known_number("not a number") is None


def test_a_known_number_validates_once(monkeypatch):
    number = known_number("+447911123457")
    calls = []
    real = phonenumbers.is_valid_number
    monkeypatch.setattr(phonenumbers, "is_valid_number", lambda n: calls.append(n) or real(n))
    for _ in range(5):
        str(number)
        number.is_valid()
    assert calls == []  # remembered from the parse


def test_numbers_read_from_the_database_are_known_numbers(db):
    identity = PhoneIdentity.objects.create(
        user=get_user_model().objects.create_user("k"), phone_number="+447911123458"
    )
    loaded = PhoneIdentity.objects.get(pk=identity.pk).phone_number
    assert isinstance(loaded, KnownNumber) and str(loaded) == "+447911123458"
    assert PhoneIdentity.objects.filter(phone_number="+447911123458").exists()


def test_number_facts_answer_as_phonenumbers_does():
    facts = number_facts("+447911123456")
    number = PhoneNumber.from_string("+447911123456")
    assert facts.region == phonenumbers.region_code_for_number(number)
    assert facts.number_type == phonenumbers.number_type(number)
    assert facts.national == "7911123456" and facts.country_code == 44
    assert number_facts("not a number") is None


def test_a_number_with_its_plus_is_the_same_whatever_the_region():
    assert known_number("+447911123456", "US") == known_number("+447911123456", "GB")
    assert known_number("07911 123456", "GB").as_e164 == "+447911123456"


# --- numbers as people read them -----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+447400123456", "07400 123456"),  # this GB site's own: as it is dialled here
        ("+447911123456", "07911 123456"),  # Guernsey's, dialled from Britain the same way
        ("+12025550123", "+1 202-555-0123"),  # abroad: international, with spaces
        ("+33612345678", "+33 6 12 34 56 78"),
    ],
)
def test_a_number_is_shown_nationally_at_home_and_internationally_abroad(number, shown):
    assert display_number(number) == shown


def test_the_sites_region_decides_what_is_home(settings):
    settings.WEBOTP_DEFAULT_REGION = "US"  # wins over PHONENUMBER_DEFAULT_REGION = "GB"
    assert display_number("+12025550123") == "(202) 555-0123"
    assert display_number("+447400123456") == "+44 7400 123456"
    settings.WEBOTP_DEFAULT_REGION = None
    settings.PHONENUMBER_DEFAULT_REGION = None  # no home: every number is international
    assert display_number("+447400123456") == "+44 7400 123456"


@pytest.mark.parametrize(
    "odd",
    [
        "",
        "hello",
        "alice@example.com",  # a username that is not a number
        "+447400123456-a1b2c3",  # create_user's name when the number's was taken
        "07400 123456",  # not E.164: already as someone typed it
        "+44 7400 123456",
        "+4479111",  # too short to be a number
        "+15555550100",  # fictional (a test number): no format is true of it
        "+" + "9" * 70,
        "+447400123456\x00",
    ],
)
def test_anything_but_a_valid_e164_number_is_shown_unchanged(odd):
    assert display_number(odd) == odd


def test_numbers_as_objects_and_none():
    assert display_number(None) == ""
    assert display_number(known_number("+447400123456")) == "07400 123456"
    assert display_number(PhoneNumber.from_string("+12025550123")) == "+1 202-555-0123"
    assert display_number(known_number("+4479111")) == "+4479111"


def test_each_number_is_formatted_once(monkeypatch):
    calls = []
    real = phonenumbers.format_number
    monkeypatch.setattr(phonenumbers, "format_number", lambda *a: calls.append(a) or real(*a))
    assert display_number("+447400987650") == "07400 987650"
    first = len(calls)
    assert [display_number("+447400987650") for _ in range(5)] == ["07400 987650"] * 5
    assert len(calls) == first > 0  # the pages after the first reuse what it worked out


def test_the_template_filter_shows_what_display_number_shows():
    shown = "|".join("{{ " + name + "|webotp_phone }}" for name in "abcd")
    template = Template("{% load webotp %}[" + shown + "]")
    context = {"a": "+447400123456", "b": known_number("+12025550123"), "c": None, "d": "<b>"}
    assert template.render(Context(context)) == "[07400 123456|+1 202-555-0123||&lt;b&gt;]"
