"""The SMS as it is measured: every shipped template and language, rendered with the longest
(and typical) inputs, in each variant of the last line; and an SMS segment count worked out from
GSM 03.38 and 3GPP TS 23.040, apart from the package's own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

import django_webotp
from django_webotp.models import Challenge
from django_webotp.sms_format import build_message, is_gsm7

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


# GSM 03.38's default alphabet in table order, 0x00 to 0x7F (0x1B, ESC, stands as a space that
# no message uses here), and the characters of its extension table, each sent as ESC + one.
GSM7_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"


def expected_segments(body: str) -> int:
    """Segments of ``body`` by 3GPP TS 23.040: GSM-7 160 septets alone or 153 per part of a
    concatenated SMS (an extension character costs 2), else UCS-2 70 UTF-16 units or 67 per part;
    an escape pair or a surrogate pair is never split between parts."""
    assert len(GSM7_TABLE) == 128
    if all(char in GSM7_EXTENSION or (char in GSM7_TABLE and char != "\x1b") for char in body):
        units, single, per_part = [2 if c in GSM7_EXTENSION else 1 for c in body], 160, 153
    else:
        units, single, per_part = [len(c.encode("utf-16-le")) // 2 for c in body], 70, 67
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for unit in units:
        if used + unit > per_part:
            parts, used = parts + 1, 0
        used += unit
    return parts
