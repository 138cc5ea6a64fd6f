"""Who is asking: REMOTE_ADDR by default, X-Forwarded-For only through a trusted proxy, and the
same answer for this app's limits, its records and django-ratelimit's own decorators."""

import pytest
from django.core.checks import Error, Warning
from django.test import Client, RequestFactory
from django_ratelimit.core import is_ratelimited

from django_webotp.abuse.clients import client_ip, network
from django_webotp.checks import check_settings
from django_webotp.checks.messages import CLIENT_IP_PATH, E024, E025, W020
from django_webotp.models import Challenge

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"
SPOOFED = "198.51.100.66"


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_by_default_a_forwarded_address_is_ignored():
    assert client_ip(request("203.0.113.7", SPOOFED)) == "203.0.113.7"


def test_a_spoofed_forwarded_address_evades_no_limit(settings):
    """A client that writes a new X-Forwarded-For on every request is still one client."""
    settings.WEBOTP_RATELIMIT_IP = "2/h"
    settings.WEBOTP_RATELIMIT_PHONE = None
    statuses = [
        Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post("/login/", {"phone_number": f"+44740012345{n}"}, REMOTE_ADDR="203.0.113.7")
        .status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert set(Challenge.objects.values_list("requesting_ip", flat=True)) == {"203.0.113.7"}


@pytest.mark.parametrize("proxies", [["10.0.0.0/8"], 1])
def test_through_a_trusted_proxy_the_client_is_the_address_it_saw(settings, proxies):
    settings.WEBOTP_TRUSTED_PROXIES = proxies
    # The client claims SPOOFED; the proxy appends the address it was really reached from.
    assert client_ip(request(PROXY, f"{SPOOFED}, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request(PROXY)) == PROXY  # no header: the proxy is all there is


def test_a_list_of_proxy_networks_also_holds_for_a_client_that_comes_directly(settings):
    settings.WEBOTP_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ff::/48"]
    assert client_ip(request("203.0.113.7", SPOOFED)) == "203.0.113.7"
    # Two proxies in a row, both trusted; the next hop to the left is the client.
    chain = f"{SPOOFED}, 203.0.113.7, 2001:db8:ff::9"
    assert client_ip(request(PROXY, chain)) == "203.0.113.7"
    assert client_ip(request(PROXY, "not-an-address, 10.1.1.1")) == "10.1.1.1"


def test_the_configured_proxy_is_honoured_end_to_end(client, settings):
    settings.WEBOTP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.WEBOTP_RATELIMIT_IP = "1/h"
    settings.WEBOTP_RATELIMIT_PHONE = None

    def through_proxy(phone, forwarded):
        return client.post(
            "/login/", {"phone_number": phone}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # Counted per client, not per proxy: another client behind the same proxy is let in.
    assert through_proxy("+447400123451", "203.0.113.7") == 302
    assert through_proxy("+447400123452", "203.0.113.8") == 302
    assert through_proxy("+447400123453", "203.0.113.7") == 429
    assert set(Challenge.objects.values_list("requesting_ip", flat=True)) == {
        "203.0.113.7",
        "203.0.113.8",
    }


def test_django_ratelimit_can_be_pointed_at_the_same_answer(settings):
    settings.WEBOTP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATELIMIT_IP_META_KEY = "django_webotp.abuse.clients.client_ip"
    assert client_ip(request(PROXY, "203.0.113.7")) == "203.0.113.7"

    def limited(req):
        return is_ratelimited(req, group="site", key="ip", rate="1/h", increment=True)

    assert not limited(request(PROXY, "203.0.113.7"))
    assert not limited(request(PROXY, "203.0.113.8"))
    assert limited(request("10.9.9.9", f"{SPOOFED}, 203.0.113.7"))


def test_a_meta_key_set_for_django_ratelimit_is_honoured_but_warned_about(settings):
    """How the README told sites behind a proxy to set this app up before: still honoured, of
    a forwarded list only the entry the nearest proxy appended, and a check says what to use."""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    assert client_ip(request("10.0.0.5", f"{SPOOFED}, 203.0.113.9")) == "203.0.113.9"
    assert errors(settings) == [
        Warning(W020.format(value="HTTP_X_FORWARDED_FOR"), id="webotp.W020")
    ]
    settings.RATELIMIT_IP_META_KEY = CLIENT_IP_PATH
    assert errors(settings) == []
    assert client_ip(request("203.0.113.7", SPOOFED)) == "203.0.113.7"


def test_networks():
    assert network("203.0.113.77") == "203.0.113.0/24"
    assert network("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"


def errors(settings):
    settings.DEBUG = True  # judged as on a developer's machine: no deployment checks
    return check_settings()


@pytest.mark.parametrize("value", ["10.0.0.0/8", ["nonsense"], -1, True, {"a": 1}])
def test_bad_trusted_proxies_are_a_check_error(settings, value):
    settings.WEBOTP_TRUSTED_PROXIES = value
    assert errors(settings) == [Error(E024.format(value=value), id="webotp.E024")]


@pytest.mark.parametrize("value", [-1, "365", 1.5])
def test_bad_device_cookie_days_are_a_check_error(settings, value):
    settings.WEBOTP_DEVICE_COOKIE_DAYS = value
    assert errors(settings) == [Error(E025.format(value=value), id="webotp.E025")]
