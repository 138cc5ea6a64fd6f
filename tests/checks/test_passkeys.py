"""webotp.E100–E102 and W100: passkeys need py_webauthn, a configured relying party id in
production, secure origins, and a relying party id the site's hosts can use."""

import pytest
from django.core.checks import Error, Warning

from django_webotp import checks
from django_webotp.checks import check_settings
from django_webotp.flows import passkey_ceremony


@pytest.fixture(autouse=True)
def _passkeys(settings):
    settings.DEBUG = True
    settings.WEBOTP_PASSKEYS = True
    settings.ALLOWED_HOSTS = ["www.example.com", "localhost"]


def passkey_ids(problems):
    return [p for p in problems if p.id[len("webotp.") :] in {"E100", "E101", "E102", "W100"}]


def test_passkeys_off_are_not_checked(settings, monkeypatch):
    settings.WEBOTP_PASSKEYS = False
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = []
    settings.WEBOTP_PASSKEY_RP_ID = "example.com"
    monkeypatch.setattr(passkey_ceremony, "webauthn", None)
    assert check_settings() != []  # production without real SMS: other checks speak
    assert passkey_ids(check_settings()) == []


def test_in_development_the_request_host_will_do():
    assert check_settings() == []


def test_without_py_webauthn_passkeys_are_an_error(monkeypatch):
    monkeypatch.setattr(passkey_ceremony, "webauthn", None)
    assert check_settings() == [Error(checks.E100, hint=checks.E100_HINT, id="webotp.E100")]


def test_production_needs_a_relying_party_id(settings):
    settings.DEBUG = False
    assert passkey_ids(check_settings()) == [
        Error(checks.E101, hint=checks.E101_HINT, id="webotp.E101")
    ]


def test_production_origins_must_be_https(settings):
    settings.DEBUG = False
    settings.WEBOTP_PASSKEY_RP_ID = "example.com"
    settings.WEBOTP_PASSKEY_ORIGINS = ["https://www.example.com", "http://www.example.com"]
    assert passkey_ids(check_settings()) == [
        Error(checks.E102.format(origin="http://www.example.com"), id="webotp.E102")
    ]


@pytest.mark.parametrize(
    ("allowed_hosts", "rp_id"),
    [
        (["www.example.com"], "example.com"),
        (["example.com"], "example.com"),
        ([".example.com"], "example.com"),
        ([".example.com"], "shop.example.com"),
        (["*"], "example.com"),
        (["other.org", "WWW.Example.com"], "example.com"),
    ],
)
def test_a_relying_party_id_the_hosts_can_use_passes(settings, allowed_hosts, rp_id):
    settings.ALLOWED_HOSTS = allowed_hosts
    settings.WEBOTP_PASSKEY_RP_ID = rp_id
    assert check_settings() == []


@pytest.mark.parametrize(
    ("allowed_hosts", "rp_id"),
    [
        (["example.com"], "www.example.com"),
        (["notexample.com"], "example.com"),
        (["example.com.evil.org"], "example.com"),
        ([], "example.com"),
    ],
)
def test_a_relying_party_id_no_host_can_use_is_a_warning(settings, allowed_hosts, rp_id):
    settings.ALLOWED_HOSTS = allowed_hosts
    settings.WEBOTP_PASSKEY_RP_ID = rp_id
    assert check_settings() == [Warning(checks.W100.format(rp_id=rp_id), id="webotp.W100")]
