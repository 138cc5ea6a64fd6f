"""The phone page says, in development, when a passkey cannot work on the address it is on."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = reverse("webotp:login")
NOTICE = "data-webotp-dev-passkey"


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["*"]
    settings.WEBOTP_PASSKEYS = True


def page(client, host, **extra):
    return client.get(LOGIN, HTTP_HOST=host, **extra).content.decode()


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "[::1]:8000"])
def test_an_ip_address_is_named_with_the_localhost_address_to_open(client, host):
    html = page(client, host)
    assert NOTICE in html
    assert "Passkeys cannot work on an IP address" in html
    assert "http://localhost:8000" in html


def test_plain_http_away_from_localhost(client):
    html = page(client, "example.test")
    assert "Passkeys need https, or http://localhost" in html


def test_a_host_outside_the_relying_party(client, settings):
    settings.WEBOTP_PASSKEY_RP_ID = "example.com"
    html = page(client, "shop.example.org", **{"wsgi.url_scheme": "https"})
    assert "Passkeys here are bound to example.com" in html


@pytest.mark.parametrize(
    ("host", "rp_id", "secure"),
    [
        ("localhost:8000", None, False),
        ("app.localhost:8000", None, False),
        ("example.com", "example.com", True),
        ("www.example.com", "example.com", True),
    ],
)
def test_no_notice_where_passkeys_work(client, settings, host, rp_id, secure):
    settings.WEBOTP_PASSKEY_RP_ID = rp_id
    html = page(client, host, **({"wsgi.url_scheme": "https"} if secure else {}))
    assert "Use a passkey" in html
    assert NOTICE not in html


@pytest.mark.parametrize(("debug", "passkeys"), [(False, True), (True, False)])
def test_no_notice_outside_development_or_without_passkeys(client, settings, debug, passkeys):
    settings.DEBUG, settings.WEBOTP_PASSKEYS = debug, passkeys
    assert NOTICE not in page(client, "127.0.0.1:8000")
