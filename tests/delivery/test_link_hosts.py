"""Issue "Hardening", item 8: a link in an SMS takes its host from configuration, never from the
request's Host header (with ALLOWED_HOSTS = ["*"] a forged Host once put the attacker's site, and
the victim's code, in the victim's SMS)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from django_webotp.testing import last_link

pytestmark = pytest.mark.django_db

PHONE = "+447400123456"
LOGIN = reverse("webotp:login")


@pytest.fixture(autouse=True)
def _links_on(settings, no_rate_limits):
    settings.WEBOTP_LINK = True
    settings.ALLOWED_HOSTS = ["*"]


def forged_start(host: str = "evil.example"):
    return Client().post(LOGIN, {"phone_number": PHONE}, HTTP_HOST=host, secure=True)


@pytest.mark.parametrize("debug", [False, True])
def test_a_forged_host_header_does_not_reach_the_sms(settings, debug):
    settings.DEBUG = debug
    settings.WEBOTP_DOMAIN = "example.com"
    settings.WEBOTP_LINK_BASE_URL = None
    assert forged_start().status_code == 302
    link = urlsplit(last_link(PHONE))
    assert (link.scheme, link.netloc) == ("https", "example.com")


def test_the_base_url_setting_wins_over_the_host_header(settings):
    settings.WEBOTP_DOMAIN = "example.com"
    settings.WEBOTP_LINK_BASE_URL = "https://www.example.com"
    forged_start()
    assert last_link(PHONE).startswith("https://www.example.com/")


def test_in_debug_a_page_at_the_configured_host_keeps_its_port(settings):
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = "localhost"
    Client().post(LOGIN, {"phone_number": PHONE}, HTTP_HOST="localhost:8000")
    assert last_link(PHONE).startswith("http://localhost:8000/")


def test_without_domain_or_base_url_no_link_is_built_from_the_request(settings):
    settings.DEBUG = False
    settings.WEBOTP_DOMAIN = None
    settings.WEBOTP_LINK_BASE_URL = None
    with pytest.raises(Exception, match="never takes its host from the request"):
        Client(raise_request_exception=True).post(
            LOGIN, {"phone_number": PHONE}, HTTP_HOST="evil.example", secure=True
        )


def test_the_deploy_check_refuses_links_without_a_configured_host(settings):
    settings.DEBUG = False
    settings.WEBOTP_DOMAIN = None
    settings.WEBOTP_LINK_BASE_URL = None
    with pytest.raises(SystemCheckError, match="webotp.E065"):
        call_command("check", "--deploy")
    settings.WEBOTP_DOMAIN = "example.com"
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", "--deploy")
    assert "webotp.E065" not in str(raised.value)
