"""The documentation: its generated reference covers the code, and the README stays a front page.

docs/_ext/webotp_reference/ writes the reference tables from the package's source when the
site is built; these tests run its generators directly (plain Python: no Sphinx needed) against
what the package really defines, so a new setting, check, signal, route or template that the
reference would miss fails here, not months later in a reader's hands.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.dispatch import Signal
from django.urls import resolve, reverse

from django_webotp import signals
from django_webotp.checks import messages
from django_webotp.conf import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"


def load_generator():
    """docs/_ext/webotp_reference, as Sphinx imports it (docs/conf.py puts _ext on the path)."""
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        return importlib.import_module("webotp_reference")
    finally:
        sys.path.remove(str(DOCS / "_ext"))


reference = load_generator()


def test_the_generator_needs_no_sphinx():
    for module in (DOCS / "_ext" / "webotp_reference").glob("*.py"):
        source = module.read_text()
        assert not re.search(r"^\s*(import|from) (sphinx|docutils|myst_parser)", source, re.M)


def test_every_setting_has_its_default_and_a_meaning():
    settings = reference.settings()
    assert [s.name for s in settings] == [f"WEBOTP_{key}" for key in DEFAULTS]
    for setting in settings:
        key = setting.name.removeprefix("WEBOTP_")
        assert setting.default == repr(DEFAULTS[key]), setting.name
        assert len(setting.meaning) > 10, setting.name
        assert setting.section
    table = reference.settings_markdown()
    for key, value in DEFAULTS.items():
        assert f"`WEBOTP_{key}`" in table
        assert reference.code(repr(value)) in table


def test_meanings_come_from_the_comments_above_each_key():
    by_name = {s.name: s for s in reference.settings()}
    assert by_name["WEBOTP_CODE_TTL"].meaning == "Seconds a code stays valid."
    # A key with no comment of its own shares its group's, plus the one at the end of its line.
    assert by_name["WEBOTP_RATELIMIT_IP"].meaning.startswith("Rate limits, comma-separated")
    assert by_name["WEBOTP_RATELIMIT_IP"].meaning.endswith("Codes requested per client IP.")
    assert by_name["WEBOTP_TWILIO_API_KEY"].section == "Real SMS providers"


def test_a_key_without_a_comment_has_no_meaning(tmp_path):
    """So the test above fails for a new setting nobody described, rather than lending it the
    meaning of the key before it."""
    conf = tmp_path / "conf.py"
    conf.write_text(
        "DEFAULTS = {\n"
        "    # Rates, comma-separated.\n"
        '    "RATE_A": "1/h",  # per number\n'
        '    "RATE_B": "2/h",  # per address\n'
        '    "UNDESCRIBED": 3,\n'
        "}\n"
    )
    meanings = {s.name: s.meaning for s in reference.settings(conf)}
    assert meanings["WEBOTP_RATE_B"] == "Rates, comma-separated. Per address."
    assert meanings["WEBOTP_UNDESCRIBED"] == ""


def check_constants() -> list[str]:
    return sorted(name for name in vars(messages) if re.fullmatch(r"[EW]\d{3}", name))


def test_every_check_constant_is_in_the_reference():
    found = {check.name: check for check in reference.checks()}
    assert sorted(found) == check_constants()
    table = reference.checks_markdown()
    for name in check_constants():
        assert found[name].message == getattr(messages, name)
        assert f"webotp.{name}" in table
    assert found["E017"].hint == messages.E017_HINT
    # E010 is the message of the four provider ids, E010 to E013.
    assert found["E010"].ids == "webotp.E010 to webotp.E013"


def test_every_signal_is_in_the_reference_with_a_meaning():
    defined = sorted(name for name, value in vars(signals).items() if isinstance(value, Signal))
    assert sorted(reference.signal_names()) == defined
    table = reference.signals_markdown()
    for doc in reference.signal_docs():
        assert doc.meaning, f"signals.{doc.name} has no #: comment"
        assert f"`django_webotp.signals.{doc.name}`" in table
    arguments = {doc.name: doc.arguments for doc in reference.signal_docs()}
    assert arguments["passkey_cloned"] == "``sign_count`` (the counter the refused answer gave)."
    assert arguments["code_requested"] == ""


def test_every_route_and_error_code_of_the_openapi_document_is_in_the_reference():
    document = reference.openapi()
    operations = reference.operations(document)
    listed = {(op.path, op.method) for op in operations}
    expected = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in reference.METHODS
    }
    assert listed == expected
    table = reference.api_markdown()
    for path, method in expected:
        assert f"`{method} {path}`" in table
    every_code = document["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
    named = {code for op in operations for _, _, codes in op.responses for code in codes}
    assert named <= set(every_code)
    for code in every_code:  # method_not_allowed belongs to no route: any route answers it
        assert f"| `{code}` |" in table
    verify = next(op for op in operations if op.path == "/verify/")
    assert dict((s, c) for s, _, c in verify.responses)["429"] == ["rate_limited"]
    assert ("code", True) in {(name, required) for name, required, _ in verify.fields}


def test_the_reference_routes_are_the_ones_the_site_serves():
    mounted = reverse("webotp_api:openapi").removesuffix("/openapi.json")
    for op in reference.operations():
        assert resolve(mounted + op.path).namespace == "webotp_api", op.path


def test_every_template_and_its_blocks_are_in_the_reference():
    files = sorted(
        path.relative_to(reference.TEMPLATES).as_posix()
        for path in reference.TEMPLATES.rglob("*")
        if path.is_file()
    )
    templates = reference.templates()
    assert [t.name for t in templates] == files
    table = reference.templates_markdown()
    for name in files:
        assert f"`{name}`" in table
    base = next(t for t in templates if t.name == "django_webotp/base.html")
    assert {"title", "extra_head", "content"} <= set(base.blocks)


def test_each_reference_page_asks_for_its_table():
    asked = {name for page in DOCS.rglob("*.md") for name in reference.markers(page.read_text())}
    assert asked == set(reference.GENERATORS)
    expanded = reference.expand("a\n<!-- reference: signals -->\nb")
    assert "`django_webotp.signals.code_sent`" in expanded
    assert "<!--" not in expanded


def test_the_readme_is_a_front_page():
    assert len(README.read_text().splitlines()) <= 150


LINK = re.compile(r"\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")


def relative_links(text: str) -> list[str]:
    found = [a or b for a, b in LINK.findall(text)]
    return [link for link in found if not urlsplit(link).scheme and not link.startswith("#")]


def test_every_relative_link_in_the_readme_points_to_a_file():
    links = relative_links(README.read_text())
    assert "docs/quickstart.md" in links
    assert any(link.endswith(".png") for link in links)
    for link in links:
        path = ROOT / unquote(urlsplit(link).path)
        assert path.exists(), link


PAGES = sorted(
    page.relative_to(DOCS).as_posix()
    for page in DOCS.rglob("*.md")
    if not page.relative_to(DOCS).parts[0].startswith("_")  # _build/, _ext/
)


@pytest.mark.parametrize("page", PAGES)
def test_every_image_and_relative_link_in_the_docs_exists(page):
    """Sphinx checks these too (-W), but only where Sphinx is installed; this runs everywhere."""
    path = DOCS / page
    for link in relative_links(path.read_text()):
        target = (path.parent / unquote(urlsplit(link).path)).resolve()
        assert target.exists(), link
        assert target.is_relative_to(DOCS) or target.is_relative_to(ROOT / "django_webotp"), link
