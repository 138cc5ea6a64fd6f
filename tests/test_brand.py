"""The default pages' brand: base.html's brand slot ({% webotp_site_name %}) and webotp.css's
colour variables, light and dark."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, RequestContext, Template
from django.test import RequestFactory

import django_webotp

APP = Path(django_webotp.__file__).parent
# The test site overrides django_webotp/base.html with its own layout: read the app's own.
BASE = (APP / "templates/django_webotp/base.html").read_text()
CSS = (APP / "static/django_webotp/webotp.css").read_text()


def render(source: str, host: str = "shop.example") -> str:
    request = RequestFactory().get("/", HTTP_HOST=host)
    return Template(source).render(RequestContext(request, {}))


def brand(page: str) -> str:
    found = re.search(r'<header class="webotp-brand">(.*?)</header>', page, re.S)
    assert found, "no brand slot"
    return found.group(1)


def test_the_brand_slot_names_the_site_as_its_sms_do(settings):
    settings.WEBOTP_SITE_NAME = "Acme Coffee"
    assert brand(render(BASE)) == '<p class="webotp-brand-name">Acme Coffee</p>'


def test_without_a_site_name_the_brand_is_the_host(settings):
    settings.WEBOTP_SITE_NAME = None
    settings.ALLOWED_HOSTS = ["shop.example"]
    assert brand(render(BASE)) == '<p class="webotp-brand-name">shop.example</p>'


def test_a_site_puts_its_logo_in_the_brand_block():
    source = BASE.replace(
        "{% block brand %}", '{% block brand %}<img src="/logo.svg" alt="Acme">{% if 0 %}'
    ).replace("{% endblock %}</header>", "{% endif %}{% endblock %}</header>")
    assert brand(render(source)) == '<img src="/logo.svg" alt="Acme">'


def test_the_site_name_tag_is_empty_on_a_host_no_sms_could_name(settings):
    settings.WEBOTP_SITE_NAME = None
    settings.ALLOWED_HOSTS = ["*"]
    assert render("{% load webotp %}[{% webotp_site_name %}]", host="[::1]") == "[]"
    assert Template("{% load webotp %}[{% webotp_site_name %}]").render(Context()) == "[]"


def test_the_stylesheet_documents_and_uses_its_colour_variables():
    header = CSS[: CSS.index("*/")]
    rules = CSS[CSS.index("*/") :]
    names = set(re.findall(r"(--webotp-[a-z-]+):", rules))
    for name in (
        "--webotp-accent",
        "--webotp-bg",
        "--webotp-fg",
        "--webotp-muted",
        "--webotp-error",
    ):
        assert name in names
    for name in names:
        assert name in header, f"{name} is not documented at the top"
        assert f"var({name})" in rules, f"{name} is never used"
    # No colour is written outside the variables, but the QR code's white.
    outside = re.sub(r":where\(:root\) \{.*?\}\n\}?", "", rules, flags=re.S)
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", outside) == ["#fff"]


def test_dark_mode_follows_the_visitors_setting():
    dark = re.search(
        r"@media \(prefers-color-scheme: dark\) \{\s*:where\(:root\) \{(.*?)\}", CSS, re.S
    )
    assert dark, "no dark mode"
    assert {"--webotp-bg", "--webotp-fg", "--webotp-accent"} <= set(
        re.findall(r"(--webotp-[a-z-]+):", dark.group(1))
    )
    assert 'name="color-scheme" content="light dark"' in BASE
