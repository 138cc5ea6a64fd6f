"""SMS length: every shipped SMS template, in every shipped language, with the longest inputs.

An SMS over one segment costs twice and may arrive in pieces; Android's SMS Retriever ignores
anything over 140 bytes (one segment) altogether. The templates and languages are found on disk,
so a template or a translation added later is measured without touching this file.

The basic sign-in SMS must fit one segment; every other SMS is counted right, against a count
worked out from the standards (tests/support/sms_lengths.py). ``python scripts/sms_lengths.py``
prints the table of every count.
"""

from __future__ import annotations

import pytest

from django_webotp.delivery import links
from django_webotp.delivery.compose import render_body
from django_webotp.models import Challenge
from django_webotp.sms_format import sms_segments
from tests.support.sms_lengths import (
    APP_HASH,
    LANGUAGES,
    LONGEST,
    PACKAGE,
    SMS_TEMPLATES,
    TYPICAL,
    VARIANTS,
    Inputs,
    describe,
    expected_segments,
    purpose_of,
    render,
)


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 8, 2),  # 162 septets: 152, then the escape pair and 8
        ("a" * 152 + "€" + "a" * 152, 3),  # the escape pair is not split: 152, 153, 1
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("😀" * 35, 1),  # 70 UTF-16 units
        ("😀" * 36, 2),
        ("a" * 66 + "😀" + "a" * 66, 3),  # the surrogate pair is not split: 66, 67, 1
    ],
)
def test_segment_counts_follow_the_standard(body, segments):
    assert expected_segments(body) == segments
    assert sms_segments(body) == segments


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
    settings.WEBOTP_DOMAIN = LONGEST.domain  # links are built from configuration only
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
    assert sms_segments(body) == expected_segments(body), f"{describe(body)}:\n{body}"
