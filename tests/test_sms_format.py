"""Tests for django_webotp.sms_format: the origin-bound SMS line, its parser and SMS segments.

Sources of the example messages:

* SPEC: WICG "Origin-bound one-time codes delivered via SMS", section 3.1 "Authoring"
  (https://wicg.github.io/sms-one-time-codes/#authoring; WICG/sms-one-time-codes, index.html at
  commit 07e8077518e10ba5b3a52c7962b74ae4f04796db). Earlier drafts (index.bs) put "%" before the
  embedded host; the published spec, the repository's README explainer and Chrome use "@".
* CHROMIUM: chromium/chromium, content/browser/sms/sms_parser_unittest.cc (the test names are
  given next to each case).
"""

from __future__ import annotations

import pytest

from django_webotp.sms_format import (
    OriginBoundCode,
    OriginBoundFormatError,
    build_message,
    build_origin_bound_line,
    is_gsm7,
    parse_origin_bound_message,
    sms_segments,
)
from tests.support.readers import chrome_reads

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # hypothesis is optional; the parametrized tables cover the same ground
    given = None

SPEC_TEXT = "747723 is your ExampleCo authentication code.\n\n"
LONGEST_LABEL = "a" * 63
LONGEST_HOST = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])  # 253 characters


# --- parsing: valid messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # SPEC, first Authoring example.
        pytest.param(
            SPEC_TEXT + "@example.com #747723",
            OriginBoundCode("example.com", "747723"),
            id="spec-basic",
        ),
        # SPEC, second Authoring example (embedded host).
        pytest.param(
            SPEC_TEXT + "@example.com #747723 @ecommerce.example",
            OriginBoundCode("example.com", "747723", "ecommerce.example"),
            id="spec-embedded",
        ),
        # README explainer example, whose blank line holds four spaces.
        pytest.param(
            "747723 is your ExampleCo authentication code.\n    \n@example.com #747723",
            OriginBoundCode("example.com", "747723"),
            id="readme-basic",
        ),
        # CHROMIUM Basic, Realistic, Message, AppHash.
        pytest.param("@example.com #12345", OriginBoundCode("example.com", "12345"), id="basic"),
        pytest.param(
            "<#> Your OTP is 1234ABC.\n@example.com #12345",
            OriginBoundCode("example.com", "12345"),
            id="realistic",
        ),
        pytest.param(
            "hello world\n@example.com #123", OriginBoundCode("example.com", "123"), id="message"
        ),
        pytest.param(
            "<#> Hello World\nApp Hash: s3LhKBB0M33\n@example.com #123",
            OriginBoundCode("example.com", "123"),
            id="app-hash",
        ),
        # CHROMIUM LocalhostForDevelopment, Dashes, CapitalLetters, Numbers.
        pytest.param("@localhost #123", OriginBoundCode("localhost", "123"), id="localhost"),
        pytest.param(
            "@web-otp-example.com #123",
            OriginBoundCode("web-otp-example.com", "123"),
            id="dashes",
        ),
        pytest.param(
            "@can-contain-CAPITAL.com #123",
            OriginBoundCode("can-contain-capital.com", "123"),
            id="capitals-lower-cased",
        ),
        pytest.param(
            "@can-contain-number-9870.com #123",
            OriginBoundCode("can-contain-number-9870.com", "123"),
            id="numbers",
        ),
        # CHROMIUM OneTimeCodeCharRanges: the code is any run of non-whitespace.
        pytest.param(
            "@example.com #can-contain-utf8-like-🤷",
            OriginBoundCode("example.com", "can-contain-utf8-like-🤷"),
            id="code-utf8",
        ),
        pytest.param(
            "@example.com #can-contain-chars-like-*^$@",
            OriginBoundCode("example.com", "can-contain-chars-like-*^$@"),
            id="code-punctuation",
        ),
        # CHROMIUM EmbeddedIFrameAfterSingleSpace, EmbeddedIFrameAfterNonWhiteSpace.
        pytest.param(
            "@top.com #123 @embedded.com",
            OriginBoundCode("top.com", "123", "embedded.com"),
            id="embedded",
        ),
        pytest.param(
            "@top.com #123@embedded.com",
            OriginBoundCode("top.com", "123@embedded.com"),
            id="embedded-glued-to-code-is-code",
        ),
        # Line breaks: CR LF and a lone CR end lines too (the spec normalises newlines).
        pytest.param(
            "Your code\r\n\r\n@example.com #1", OriginBoundCode("example.com", "1"), id="crlf"
        ),
        pytest.param("Your code\r@example.com #1", OriginBoundCode("example.com", "1"), id="cr"),
        # Hosts: IPv4, longest label and host, punycode, internationalised names.
        pytest.param("@192.0.2.1 #1", OriginBoundCode("192.0.2.1", "1"), id="ipv4"),
        pytest.param(
            f"@{LONGEST_LABEL}.example #1",
            OriginBoundCode(f"{LONGEST_LABEL}.example", "1"),
            id="63-character-label",
        ),
        pytest.param(
            f"@{LONGEST_HOST} #1", OriginBoundCode(LONGEST_HOST, "1"), id="253-character-host"
        ),
        pytest.param(
            "@xn--bcher-kva.example #1",
            OriginBoundCode("xn--bcher-kva.example", "1"),
            id="punycode",
        ),
        pytest.param(
            "@bücher.example #1 @例え.テスト",
            OriginBoundCode("xn--bcher-kva.example", "1", "xn--r8jz45g.xn--zckzah"),
            id="idn-converted",
        ),
        pytest.param(
            "@BÜCHER.Example #1",
            OriginBoundCode("xn--bcher-kva.example", "1"),
            id="idn-lower-cased",
        ),
    ],
)
def test_parse_valid(message, expected):
    assert parse_origin_bound_message(message) == expected


# --- parsing: invalid messages ---------------------------------------------------------------

SPEC_INVALID = [
    # SPEC: "doesn't start with the top-level host".
    pytest.param("something @example.com #747723", id="spec-text-before-host"),
    # SPEC: "the fields are in the wrong order".
    pytest.param("#747723 @ecommerce.example @example.com", id="spec-wrong-order"),
    # SPEC: "several characters appear between the two values".
    pytest.param("@example.com code #747723", id="spec-word-between"),
]

CHROMIUM_INVALID = [
    pytest.param("foo", id="NoToken"),
    pytest.param("@foo", id="WithTokenInvalidUrl"),
    pytest.param("@example.com#12345", id="NoSpace"),
    pytest.param("@example.com  #12345", id="MultipleSpace"),
    pytest.param("@example.com\t#12345", id="WhiteSpaceThatIsNotSpace"),
    pytest.param("@example.com random #12345", id="WordInBetween"),
    pytest.param("@//example.com #123", id="InvalidUrl"),
    pytest.param("@ftp://example.com #123", id="FtpScheme"),
    pytest.param("@mailto:goto@chromium.org #123", id="Mailto"),
    pytest.param("@example.com", id="MissingOneTimeCodeParameter"),
    pytest.param("@localhost:8080 #123", id="LocalhostForDevelopment-port"),
    pytest.param("@localhost", id="LocalhostForDevelopment-no-code"),
    pytest.param("@example.com/foobar #123", id="Paths"),
    pytest.param("@a.com:8443 #123", id="Ports"),
    pytest.param("@username@a.com #123", id="Username"),
    pytest.param("@a.com/?foo=123 #123", id="QueryParams"),
    pytest.param("@data://123", id="HarmlessOriginsButInvalid"),
    # TwoTokens: Chrome finds "@b.com #123" mid-line; the spec (and we) need the host first.
    pytest.param("@a.com @b.com #123", id="TwoTokens"),
    # ForbiddenCharacters: forbidden host code points.
    *(
        pytest.param(f"@cannot-contain-{char} #123456", id=f"ForbiddenCharacters-{ord(char):#04x}")
        for char in "\x00\t\n\r #%/:<>?@[\\]^"
    ),
]

OWN_INVALID = [
    pytest.param("", id="empty"),
    pytest.param("@localhost:8000 #123456", id="localhost-port"),
    pytest.param("@example.com:443 #123456", id="port-443"),
    pytest.param("@https://example.com #123456", id="scheme"),
    pytest.param("@[::1] #123456", id="ipv6"),
    pytest.param("Your code\n\n@example.com #123456\n", id="trailing-newline"),
    pytest.param("Your code\r\n\r\n@example.com #123456\r\n", id="trailing-crlf"),
    pytest.param("@example.com #123456\r", id="trailing-cr"),
    pytest.param("Code: @example.com #123456", id="text-before-at"),
    pytest.param(" @example.com #123456", id="leading-space"),
    pytest.param("@example.com #123456\nThanks!", id="line-not-last"),
    pytest.param("@example.com  #123456", id="two-spaces-before-code"),
    pytest.param("@example.com #", id="empty-code"),
    pytest.param("@ #123456", id="empty-host"),
    pytest.param("@example.com #123456 @embedded.example:443", id="embedded-port"),
    pytest.param("@example.com #123456 @https://embedded.example", id="embedded-scheme"),
    pytest.param("@a..b #1", id="empty-label"),
    pytest.param("@.example.com #1", id="leading-dot"),
    pytest.param("@example.com. #1", id="trailing-dot"),
    pytest.param("@-bad.example #1", id="label-leading-hyphen"),
    pytest.param("@bad-.example #1", id="label-trailing-hyphen"),
    pytest.param("@ex_ample.com #1", id="underscore"),
    pytest.param(f"@{LONGEST_LABEL}a.example #1", id="64-character-label"),
    pytest.param(f"@{LONGEST_HOST}a #1", id="254-character-host"),
    pytest.param("@1.2.3.999 #1", id="bad-ipv4"),
    pytest.param("@999 #1", id="numeric-host"),
    pytest.param("@example.0x1f #1", id="hex-last-label"),
    pytest.param("@xn--zz.example #1", id="bad-punycode"),
    pytest.param("@exam\u00a0ple.com #1", id="nbsp-in-host"),
    pytest.param("@exam\u200bple.com #1", id="zero-width-space-in-host"),
    pytest.param(f"@{'é' * 64}.example #1", id="idn-label-too-long"),
]

# Trailing text after one more space is ignored, as the spec says ("Trailing text in the last
# line is ignored"); a tab, a second space before "@" or a final newline change the reading.
TRAILING_TEXT = [
    # SPEC: the future-syntax example.
    pytest.param(
        "@example.com #747723 @ecommerce.example $future",
        OriginBoundCode("example.com", "747723", "ecommerce.example"),
        id="spec-future-syntax",
    ),
    # CHROMIUM Whitespace (a trailing space), OneTimeCodeCharRanges (words after the code).
    pytest.param("hello world\n@example.com #123 ", OriginBoundCode("example.com", "123"), id="ws"),
    pytest.param(
        "@example.com #1 can be short", OriginBoundCode("example.com", "1"), id="code-then-words"
    ),
    # Two spaces: the second is trailing text, so no embedded host is read.
    pytest.param(
        "@top.com #123  @embedded.com", OriginBoundCode("top.com", "123"), id="two-spaces"
    ),
    pytest.param(
        "@top.com #123 @embedded.com @nested.com",
        OriginBoundCode("top.com", "123", "embedded.com"),
        id="second-embedded-host-ignored",
    ),
    pytest.param("@top.com #123 %embedded.com", OriginBoundCode("top.com", "123"), id="percent"),
]

# After the code, only a SPACE starts the embedded part; any other whitespace, or a SPACE with no
# "@host" after it, ends what the line says (the spec's algorithm, and Chrome's reading too).
AFTER_THE_CODE = [
    pytest.param(
        "@example.com #otp\twith with tab", OriginBoundCode("example.com", "otp"), id="code-tab"
    ),
    pytest.param(
        "@top.example #123\t@embedded.example",
        OriginBoundCode("top.example", "123"),
        id="embedded-after-tab",
    ),
    pytest.param("@top.com #123\f@embedded.com", OriginBoundCode("top.com", "123"), id="ff"),
    pytest.param("@top.com #123\t", OriginBoundCode("top.com", "123"), id="final-tab"),
    pytest.param("@top.com #123 @", OriginBoundCode("top.com", "123"), id="empty-embedded"),
    pytest.param("@top.com #123 @ x", OriginBoundCode("top.com", "123"), id="lone-at-then-word"),
    pytest.param(
        "@top.com #123 \t@embedded.com", OriginBoundCode("top.com", "123"), id="space-then-tab"
    ),
]

NOT_READ = [
    # CHROMIUM Newlines: a final newline leaves an empty last line.
    pytest.param("hello world\n@example.com #123\n", id="Newlines"),
    # A host that is no host: the line names no origin we could match.
    pytest.param("@top.com #123 @bad:host", id="embedded-host-with-port"),
]


@pytest.mark.parametrize(("message", "expected"), AFTER_THE_CODE)
def test_parse_after_the_code_only_a_space_starts_the_embedded_part(message, expected):
    assert parse_origin_bound_message(message) == expected
    assert parse_origin_bound_message(f"Your code.\n\n{message}") == expected
    assert chrome_reads(message) == expected


@pytest.mark.parametrize(("message", "expected"), TRAILING_TEXT)
def test_parse_ignores_trailing_text(message, expected):
    assert parse_origin_bound_message(message) == expected


@pytest.mark.parametrize("message", NOT_READ)
def test_parse_refuses_final_newlines_and_bad_hosts(message):
    assert parse_origin_bound_message(message) is None


@pytest.mark.parametrize("message", SPEC_INVALID + CHROMIUM_INVALID + OWN_INVALID)
def test_parse_invalid(message):
    assert parse_origin_bound_message(message) is None


# Internationalised names are mapped as browsers map them (UTS #46, non-transitional), not with
# Python's IDNA 2003 codec: "faß.de" is its own site, not "fass.de".
@pytest.mark.parametrize(
    ("host", "ascii_host"),
    [
        pytest.param("faß.de", "xn--fa-hia.de", id="sharp-s"),
        pytest.param("FAß.DE", "xn--fa-hia.de", id="sharp-s-upper"),
        pytest.param("βόλος.example", "xn--nxasmm1c.example", id="greek-final-sigma"),
        pytest.param("ｅｘａｍｐｌｅ.com", "example.com", id="full-width"),
    ],
)
def test_idn_hosts_as_browsers_write_them(host, ascii_host):
    assert build_origin_bound_line(host, "123456") == f"@{ascii_host} #123456"
    parsed = parse_origin_bound_message(f"@{host} #123456 @{host}")
    assert parsed == OriginBoundCode(ascii_host, "123456", ascii_host)


@pytest.mark.parametrize("value", [None, 123456, b"@example.com #123456", ["@example.com #1"]])
def test_parse_non_str_returns_none(value):
    assert parse_origin_bound_message(value) is None


# --- building the line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("example.com", "123456"), "@example.com #123456"),
        (("top.example", "123456", "embedded.example"), "@top.example #123456 @embedded.example"),
        (("Example.COM", "123456"), "@example.com #123456"),
        (("bücher.example", "123456"), "@xn--bcher-kva.example #123456"),
        (("top.example", "1", "例え.テスト"), "@top.example #1 @xn--r8jz45g.xn--zckzah"),
        (("localhost", "0042"), "@localhost #0042"),
        (("192.0.2.1", "A1b2"), "@192.0.2.1 #A1b2"),
    ],
)
def test_build_origin_bound_line(args, line):
    assert build_origin_bound_line(*args) == line


BAD_HOSTS = [
    "",
    "https://example.com",
    "//example.com",
    "example.com:443",
    "localhost:8000",
    "example.com/path",
    "example.com?q=1",
    "user@example.com",
    "#example.com",
    "exa mple.com",
    " example.com",
    "example.com\n",
    "exam\u200bple.com",
    "a..b",
    "example.com.",
    "-bad.example",
    "ex_ample.com",
    "[::1]",
    "1.2.3.999",
    "xn--zz.example",
    f"{LONGEST_LABEL}a.example",
    f"{LONGEST_HOST}a",
]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_build_rejects_bad_host(host):
    with pytest.raises(OriginBoundFormatError, match=r"^host "):
        build_origin_bound_line(host, "123456")


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_build_rejects_bad_embedded_host(host):
    with pytest.raises(OriginBoundFormatError, match=r"^embedded_host "):
        build_origin_bound_line("example.com", "123456", host)


@pytest.mark.parametrize(
    "code", ["", "123 456", "123\t456", "123456\n", "12\u200334", "12\u202834", "12#34", "12@34"]
)
def test_build_rejects_bad_code(code):
    with pytest.raises(OriginBoundFormatError, match=r"^code "):
        build_origin_bound_line("example.com", code)


def test_build_rejects_non_str_code():
    with pytest.raises(OriginBoundFormatError, match=r"^code must be a str"):
        build_origin_bound_line("example.com", 123456)


def test_error_is_a_value_error_and_names_the_cause():
    with pytest.raises(ValueError, match=r"host 'localhost:8000' .*':'"):
        build_origin_bound_line("localhost:8000", "123456")


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "code", "embedded_host", "expected"),
    [
        ("example.com", "123456", None, OriginBoundCode("example.com", "123456")),
        ("Example.COM", "A1b2C3", None, OriginBoundCode("example.com", "A1b2C3")),
        (
            "top.example",
            "747723",
            "ecommerce.example",
            OriginBoundCode("top.example", "747723", "ecommerce.example"),
        ),
        (
            "bücher.example",
            "1",
            "例え.テスト",
            OriginBoundCode("xn--bcher-kva.example", "1", "xn--r8jz45g.xn--zckzah"),
        ),
        ("localhost", "0000", None, OriginBoundCode("localhost", "0000")),
        ("192.0.2.1", "x", None, OriginBoundCode("192.0.2.1", "x")),
        (LONGEST_HOST, "🤷", None, OriginBoundCode(LONGEST_HOST, "🤷")),
        ("xn--bcher-kva.example", "*^$", None, OriginBoundCode("xn--bcher-kva.example", "*^$")),
    ],
)
def test_round_trip_table(host, code, embedded_host, expected):
    line = build_origin_bound_line(host, code, embedded_host)
    assert parse_origin_bound_message(line) == expected
    message = build_message("Your code:\nsee below.", host, code, embedded_host)
    assert parse_origin_bound_message(message) == expected


if given is not None:
    _labels = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?", fullmatch=True)
    _hosts = st.builds(
        lambda labels, tld: ".".join([*labels, tld]),
        st.lists(_labels.filter(lambda label: label[2:4] != "--"), max_size=3),
        st.from_regex(r"[a-zA-Z]{1,10}", fullmatch=True),
    ).filter(lambda host: len(host) <= 253)
    _codes = st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="#@"), min_size=1
    ).filter(lambda code: not any(char.isspace() for char in code))
    _texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="@"))

    # How fast inputs are made says how busy the machine is (two cores shared by a test
    # matrix), not whether the format holds: no health check on speed, no deadline per example.
    patient = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)

    @patient
    @given(host=_hosts, code=_codes, embedded_host=st.none() | _hosts, text=_texts)
    def test_round_trip_property(host, code, embedded_host, text):
        expected = OriginBoundCode(
            host.lower(), code, None if embedded_host is None else embedded_host.lower()
        )
        line = build_origin_bound_line(host, code, embedded_host)
        assert parse_origin_bound_message(line) == expected
        message = build_message(text, host, code, embedded_host)
        assert message.endswith(line)
        assert parse_origin_bound_message(message) == expected

    _junk = st.text("aZ09-._:/@#% \t\n\u00a0\u200béß例") | st.text()

    @patient
    @given(
        host=_hosts | _junk,
        code=_codes | _junk,
        embedded_host=st.none() | _hosts | _junk,
    )
    def test_builder_output_always_parses_back(host, code, embedded_host):
        # Any input either raises OriginBoundFormatError or gives a line that parses back.
        try:
            line = build_origin_bound_line(host, code, embedded_host)
        except OriginBoundFormatError:
            return
        parsed = parse_origin_bound_message(line)
        assert parsed is not None
        assert parsed.code == code
        assert build_origin_bound_line(parsed.host, parsed.code, parsed.embedded_host) == line

    @patient
    @given(st.text() | st.text("@# \t\r\n.-:/_aZ09éß例\u00a0\u200bxn"))
    def test_parse_never_raises(message):
        result = parse_origin_bound_message(message)
        assert result is None or isinstance(result, OriginBoundCode)


# --- building the message --------------------------------------------------------------------


def test_build_message_documented_sample():
    message = build_message("123456 is your Example sign-in code.", "example.com", "123456")
    assert message == "123456 is your Example sign-in code.\n\n@example.com #123456"


def test_build_message_strips_trailing_whitespace_from_text():
    message = build_message("123456 is your code.  \n\n \t\n", "example.com", "123456")
    assert message == "123456 is your code.\n\n@example.com #123456"


def test_build_message_with_embedded_host():
    message = build_message("Code 747723", "Top.Example", "747723", "ecommerce.example")
    assert message == "Code 747723\n\n@top.example #747723 @ecommerce.example"


@pytest.mark.parametrize("text", ["", " \n\n"])
def test_build_message_without_text_is_the_line_alone(text):
    assert build_message(text, "example.com", "123456") == "@example.com #123456"


def test_build_message_keeps_multiline_text_and_harmless_at_and_hash():
    text = "Line one\r\nQuestions? help@example.com, ref #42"
    message = build_message(text, "example.com", "123456")
    assert message == text + "\n\n@example.com #123456"
    assert parse_origin_bound_message(message) == OriginBoundCode("example.com", "123456")


@pytest.mark.parametrize(
    "text",
    [
        "Reply to @example.com #help for help",
        "@evil.example #999\nYour code",
        "Your code is 123456\n@example.com #123456",
    ],
)
def test_build_message_rejects_text_chrome_would_read_as_the_code(text):
    with pytest.raises(OriginBoundFormatError, match=r"^text "):
        build_message(text, "example.com", "123456")


def test_build_message_rejects_bad_host_and_code():
    with pytest.raises(OriginBoundFormatError, match=r"^host "):
        build_message("Your code", "localhost:8000", "123456")
    with pytest.raises(OriginBoundFormatError, match=r"^embedded_host "):
        build_message("Your code", "example.com", "123456", "https://embedded.example")
    with pytest.raises(OriginBoundFormatError, match=r"^code "):
        build_message("Your code", "example.com", "123 456")


def test_build_message_rejects_non_str_text():
    with pytest.raises(OriginBoundFormatError, match=r"^text must be a str"):
        build_message(None, "example.com", "123456")


# --- SMS segments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        # Extension-table characters cost two septets.
        ("€" * 80, 1),
        ("€" * 80 + "a", 2),
        ("a" * 158 + "€", 1),
        ("a" * 159 + "€", 2),
        ("a" * 159 + "[", 2),
        # An escape sequence is not split across parts: 306 septets, but 3 parts.
        ("a" * 152 + "€" + "a" * 152, 3),
        # GSM characters outside ASCII still count one septet.
        ("é" * 160, 1),
        ("Δ" * 161, 2),
    ],
)
def test_sms_segments_gsm7(body, segments):
    assert sms_segments(body) == segments


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        # One character outside GSM-7 switches the whole body to UCS-2.
        ("a" * 69 + "ж", 1),
        ("a" * 70 + "ж", 2),
        ("a" * 70 + "ç", 2),
        # Characters outside the BMP are two UTF-16 code units...
        ("😀" * 35, 1),
        ("😀" * 35 + "a", 2),
        # ...and a surrogate pair is not split across parts: 134 units, but 3 parts.
        ("ж" * 66 + "😀" + "ж" * 66, 3),
    ],
)
def test_sms_segments_ucs2(body, segments):
    assert sms_segments(body) == segments


def test_documented_sample_fits_one_segment():
    message = build_message("123456 is your Example sign-in code.", "example.com", "123456")
    assert is_gsm7(message)
    assert sms_segments(message) == 1


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Hello, world! 0123456789 ?:;<=>()*+,-./'\"%&",
        "@£$¥èéùìòÇØøÅå\n\r",
        "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡¿§",
        "ÄÖÑÜäöñüà",
        "€[]{}\\~^|\f",
    ],
)
def test_is_gsm7_true(body):
    assert is_gsm7(body)


@pytest.mark.parametrize("body", ["ж", "😀", "ç", "á", "ê", "`", "’", "¢", "\t", "abc ж"])
def test_is_gsm7_false(body):
    assert not is_gsm7(body)
