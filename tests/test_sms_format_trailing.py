"""Trailing text on the origin-bound line: the Android app hash, read by every parser we know.

The same SMS must give its code to three readers:

* the spec's parser ("Trailing text in the last line is ignored"), which
  ``parse_origin_bound_message`` implements;
* Chrome's parser: content/browser/sms/sms_parser.cc searches the whole message for
  ``(?:^|\\s)@([a-zA-Z0-9.-]+) #([^#\\s]+)(?: @([a-zA-Z0-9.-]+))?`` (RE2, first match), copied
  in tests/support/readers.py;
* Google Play services' SMS Retriever, which hands the whole message to the app when it holds the
  app's 11-character hash and is at most 140 bytes (one SMS segment), the app then reading the
  code itself.
"""

from __future__ import annotations

import pytest

from django_webotp.sms_format import (
    OriginBoundCode,
    OriginBoundFormatError,
    build_message,
    build_origin_bound_line,
    check_android_app_hash,
    parse_origin_bound_message,
    sms_segments,
)
from tests.support.readers import chrome_reads

# Google's documented example hash (developers.google.com/identity/sms-retriever/verify).
APP_HASH = "FA+9qCX9VSu"
SPEC_TEXT = "747723 is your ExampleCo authentication code.\n\n"


def test_line_with_app_hash():
    line = build_origin_bound_line("example.com", "123456", trailing_text=APP_HASH)
    assert line == "@example.com #123456 FA+9qCX9VSu"
    assert parse_origin_bound_message(line) == OriginBoundCode("example.com", "123456")


@pytest.mark.parametrize(
    ("embedded", "expected_line"),
    [
        (None, "@example.com #747723 FA+9qCX9VSu"),
        ("ecommerce.example", "@example.com #747723 @ecommerce.example FA+9qCX9VSu"),
    ],
)
def test_spec_examples_with_an_app_hash_read_the_same_everywhere(embedded, expected_line):
    # The spec's two Authoring examples, with the hash added: every reader still gets the code.
    message = build_message(
        SPEC_TEXT.strip(), "example.com", "747723", embedded, trailing_text=APP_HASH
    )
    assert message == SPEC_TEXT + expected_line
    expected = OriginBoundCode("example.com", "747723", embedded)
    assert parse_origin_bound_message(message) == expected
    assert chrome_reads(message) == expected
    # The SMS Retriever's own rules: the hash is in the message, which fits 140 bytes.
    assert APP_HASH in message
    assert sms_segments(message) == 1


def test_without_the_hash_the_spec_examples_are_unchanged():
    message = build_message(SPEC_TEXT, "example.com", "747723", "ecommerce.example")
    assert message == SPEC_TEXT + "@example.com #747723 @ecommerce.example"
    assert chrome_reads(message) == parse_origin_bound_message(message)


@pytest.mark.parametrize(
    "trailing",
    [
        pytest.param("", id="empty"),
        pytest.param("two words", id="space"),
        pytest.param("tab\there", id="tab"),
        pytest.param("line\nbreak", id="newline-moves-the-last-line"),
        pytest.param("cr\rbreak", id="carriage-return"),
        pytest.param("@evil.example", id="would-be-an-embedded-host"),
        pytest.param("x@y", id="at"),
        pytest.param("#999999", id="hash-sign"),
        pytest.param("nbsp\u00a0x", id="nbsp"),
        pytest.param("zero\u200bwidth", id="invisible"),
        pytest.param(12345678901, id="not-a-str"),
    ],
)
def test_trailing_text_that_could_change_the_reading_is_refused(trailing):
    with pytest.raises(OriginBoundFormatError, match="trailing_text"):
        build_origin_bound_line("example.com", "123456", trailing_text=trailing)
    with pytest.raises(OriginBoundFormatError, match="trailing_text"):
        build_message("Your code", "example.com", "123456", trailing_text=trailing)


@pytest.mark.parametrize("value", [APP_HASH, "abcdefghijk", "0123456789/", "+++++++++++"])
def test_android_app_hash_shape(value):
    assert check_android_app_hash(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "FA+9qCX9VS",
        "FA+9qCX9VSuX",
        "FA-9qCX9VSu",
        "FA_9qCX9VSu",
        "FA+9qCX9VS=",
        " FA+9qCX9VS",
        None,
    ],
)
def test_android_app_hash_refused(value):
    with pytest.raises(OriginBoundFormatError, match="Android app hash"):
        check_android_app_hash(value)


def test_a_link_line_in_the_text_is_not_read_as_the_code():
    # The one-tap link carries the code in its fragment: no reader may take it for the line.
    text = (
        "123456 is your Example sign-in code.\n"
        "https://example.com/login/c/AbCdEfGhIjKlMnOpQrStUvWxYz012345/#123456"
    )
    message = build_message(text, "example.com", "123456", trailing_text=APP_HASH)
    assert message.endswith("\n\n@example.com #123456 FA+9qCX9VSu")
    assert parse_origin_bound_message(message) == OriginBoundCode("example.com", "123456")
    assert chrome_reads(message) == OriginBoundCode("example.com", "123456")
