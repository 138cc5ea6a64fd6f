"""SMS length: every shipped SMS template, in every shipped language, with the longest inputs.

An SMS over one segment costs twice and may arrive in pieces; Android's SMS Retriever ignores
anything over 140 bytes (one segment) altogether. The templates and languages are found on disk,
so a template or a translation added later is measured without touching this file.

The basic sign-in SMS must fit one segment; every other count (other purposes, the one-tap link,
the iframe form, the Android app hash) is reported in a table printed with the test run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

import django_webotp
from django_webotp.delivery import links
from django_webotp.delivery.compose import render_body
from django_webotp.models import Challenge
from django_webotp.sms_format import build_message, is_gsm7, sms_segments

PACKAGE = Path(django_webotp.__file__).resolve().parent
SMS_TEMPLATES = sorted((PACKAGE / "templates" / "django_webotp" / "sms").glob("*.txt"))
# The source language, plus every compiled translation the package ships.
LANGUAGES = ["en"] + sorted(
    translation.to_language(path.parent.parent.name)
    for path in (PACKAGE / "locale").glob("*/LC_MESSAGES/django.mo")
)


@dataclass(frozen=True)
class Inputs:
    code: str
    site_name: str
    domain: str
    embedded_domain: str

    @property
    def link(self) -> str:
        """A link of the real length: the token is always 32 characters."""
        return f"https://{self.domain}/login/c/{'T' * 32}/#{self.code}"


# The longest inputs we consider realistic: WEBOTP_CODE_LENGTH allows up to 10 digits, but codes
# longer than 8 are rare; a 20-character site name on a 30-character host ("Northwind Traders UK"
# on "accounts.northwind-traders.com"). And, for comparison, the defaults on a short host.
LONGEST = Inputs(
    "12345678",
    "Northwind Traders UK",
    "accounts.northwind-traders.com",
    "login.northwind-traders.com",
)
TYPICAL = Inputs("123456", "Example", "example.com", "login.example.com")
APP_HASH = "FA+9qCX9VSu"
TTL_MINUTES = 15
# What templates of other purposes may show (their context is theirs to define; names a
# template does not use are ignored).
EXTRA_CONTEXT = {
    "action": "Payment of €1,250.00 to Northwind Traders UK, order 2024-000123",
    "amount": "€1,250.00",
    "payee": "Northwind Traders UK",
    "order": "2024-000123",
    "description": "Payment of €1,250.00 to Northwind Traders UK",
    "old_number": "+44 7400 123456",
    "new_number": "+44 7400 654321",
    "phone_number": "+44 7400 123456",
}

VARIANTS = {
    "basic": {},
    "link": {"link": True},
    "app hash": {"app_hash": True},
    "iframe + app hash": {"embedded": True, "app_hash": True},
    "link + iframe + app hash": {"link": True, "embedded": True, "app_hash": True},
}

REPORT: list[tuple[str, str, str, str, int, str, int]] = []


def purpose_of(template: Path) -> str:
    return template.stem


def render(
    template: Path,
    language: str,
    inputs: Inputs = LONGEST,
    link: bool = False,
    embedded: bool = False,
    app_hash: bool = False,
) -> str:
    """The SMS as compose.render_body builds it."""
    challenge = Challenge(purpose=purpose_of(template), code_length=len(inputs.code))
    context = {
        **EXTRA_CONTEXT,
        "code": inputs.code,
        "domain": inputs.domain,
        "site_name": inputs.site_name,
        "challenge": challenge,
        "ttl_minutes": TTL_MINUTES,
        "link": inputs.link if link else None,
    }
    with translation.override(language):
        text = render_to_string(f"django_webotp/sms/{template.name}", context).strip()
    if link and inputs.link not in text:
        text = f"{text}\n{inputs.link}"
    return build_message(
        text,
        inputs.domain,
        inputs.code,
        inputs.embedded_domain if embedded else None,
        trailing_text=APP_HASH if app_hash else None,
    )


def describe(body: str) -> str:
    if is_gsm7(body):
        return "GSM-7"
    odd = "".join(sorted({char for char in body if not is_gsm7(char)}))
    return f"UCS-2 ({odd})"


def test_there_is_something_to_measure():
    assert "login" in [purpose_of(template) for template in SMS_TEMPLATES]
    assert LANGUAGES[0] == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_basic_sign_in_sms_is_one_segment(language):
    body = render(PACKAGE / "templates/django_webotp/sms/login.txt", language)
    assert sms_segments(body) == 1, (
        f"The {language} sign-in SMS takes {sms_segments(body)} segments "
        f"({len(body)} characters, {describe(body)}):\n{body}"
    )


@pytest.mark.django_db
def test_the_measured_sms_is_the_one_render_body_sends(settings):
    # The measuring above mirrors compose.render_body; this keeps the two in step.
    settings.WEBOTP_LINK = True
    settings.WEBOTP_EMBEDDED_DOMAIN = LONGEST.embedded_domain
    settings.WEBOTP_ANDROID_APP_HASH = APP_HASH
    challenge = Challenge.objects.issue(
        "+447400123456", ttl=300, max_attempts=5, code_length=len(LONGEST.code)
    )
    code = challenge.make_code()
    sent = render_body(challenge, None, domain=LONGEST.domain, site=LONGEST.site_name)
    real = Inputs(code, LONGEST.site_name, LONGEST.domain, LONGEST.embedded_domain)
    measured = render(
        PACKAGE / "templates/django_webotp/sms/login.txt",
        "en",
        real,
        link=True,
        embedded=True,
        app_hash=True,
    )
    link = links.sms_link(challenge, None, code, LONGEST.domain)
    assert len(link) == len(real.link)
    assert sent == measured.replace(real.link, link)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", SMS_TEMPLATES, ids=purpose_of)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("inputs", ["longest", "typical"])
def test_segments_of_every_template_language_and_variant(template, language, variant, inputs):
    body = render(
        template, language, LONGEST if inputs == "longest" else TYPICAL, **VARIANTS[variant]
    )
    segments = sms_segments(body)
    assert segments >= 1
    row = (purpose_of(template), language, inputs, variant, len(body), describe(body), segments)
    REPORT.append(row)


def test_report(capsys):
    """Prints the table gathered above (runs last in this module)."""
    if not REPORT:
        pytest.skip("the measuring tests did not run")
    lines = [
        "SMS segments. longest: "
        + ", ".join(f"{k}={v!r}" for k, v in vars(LONGEST).items())
        + "; typical: "
        + ", ".join(f"{k}={v!r}" for k, v in vars(TYPICAL).items()),
        f"{'template':<12} {'lang':<6} {'inputs':<8} {'variant':<26} {'chars':>5}  "
        f"{'alphabet':<14} segments",
    ]
    for purpose, language, inputs, variant, length, alphabet, segments in sorted(REPORT):
        lines.append(
            f"{purpose:<12} {language:<6} {inputs:<8} {variant:<26} {length:>5}  "
            f"{alphabet:<14} {segments}"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
