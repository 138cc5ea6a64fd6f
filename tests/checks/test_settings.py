"""System checks, compared as whole lists (ids and messages are stable)."""

import pytest
from django.core.checks import Error, Warning

from django_webotp import checks
from django_webotp.checks import check_settings

LOCMEM_SMS = "django_webotp.sms.backends.locmem.SmsBackend"


@pytest.fixture(autouse=True)
def _development(settings):
    """Checks are judged as on a developer's machine unless a test says production."""
    settings.DEBUG = True


def test_the_test_settings_are_clean():
    assert check_settings() == []


def test_unimportable_backend(settings):
    settings.WEBOTP_SMS_BACKEND = "nowhere.SmsBackend"
    [error] = check_settings()
    assert error.id == "webotp.E001"
    assert "nowhere.SmsBackend" in error.msg


@pytest.mark.parametrize("length", [3, 11, "6", None, True])
def test_code_length_out_of_range(settings, length):
    settings.WEBOTP_CODE_LENGTH = length
    assert check_settings() == [Error(checks.E002, id="webotp.E002")]


@pytest.mark.parametrize("name", ["CODE_TTL", "MAX_ATTEMPTS"])
@pytest.mark.parametrize("value", [0, -1, "5", 1.5])
def test_positive_numbers(settings, name, value):
    setattr(settings, f"WEBOTP_{name}", value)
    assert check_settings() == [Error(checks.E005.format(name=f"WEBOTP_{name}"), id="webotp.E005")]


def test_negative_resend_cooldown(settings):
    settings.WEBOTP_RESEND_COOLDOWN = -1
    assert [e.id for e in check_settings()] == ["webotp.E005"]


@pytest.mark.parametrize("value", ["5/x", "five/h", "5/h;10/d", 5])
def test_bad_rates(settings, value):
    settings.WEBOTP_RATELIMIT_IP = value
    assert check_settings() == [
        Error(checks.E004.format(name="WEBOTP_RATELIMIT_IP", value=value), id="webotp.E004")
    ]


def test_rates_may_be_switched_off(settings):
    settings.WEBOTP_RATELIMIT_IP = None
    settings.WEBOTP_RATELIMIT_PHONE = "3/10m, 10/d"
    assert check_settings() == []


@pytest.mark.parametrize(
    "domain", ["https://example.com", "example.com:443", "example.com/x", "a b"]
)
def test_domain_must_be_a_bare_host(settings, domain):
    settings.WEBOTP_DOMAIN = domain
    [error] = check_settings()
    assert error.id == "webotp.E003"
    assert repr(domain) in error.msg


def test_production_needs_a_real_backend_and_a_domain_and_a_shared_cache(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.project.urls_without_dev"  # the site's dev inbox is webotp.E030
    settings.WEBOTP_SMS_BACKEND = LOCMEM_SMS
    result = check_settings()
    assert [item.id for item in result] == ["webotp.E006", "webotp.E007", "webotp.W002"]
    assert result[0] == Error(
        checks.E006.format(path=LOCMEM_SMS),
        hint="Choose a backend that delivers SMS to phones.",
        id="webotp.E006",
    )


def test_production_with_a_real_setup_is_clean(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.project.urls_without_dev"
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.dummy.SmsBackend"
    settings.WEBOTP_DOMAIN = "example.com"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert check_settings() == []


def test_missing_auth_backend_is_a_warning(settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert check_settings() == [Warning(checks.W001, id="webotp.W001")]


def test_checks_run_through_django(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.WEBOTP_CODE_LENGTH = 2
    with pytest.raises(SystemCheckError, match="webotp.E002"):
        call_command("check")


@pytest.mark.parametrize(
    "budgets", [{"planet": "1/h"}, {"number": "lots"}, {"number": 5}, ["number"]]
)
def test_bad_budgets(settings, budgets):
    settings.WEBOTP_SMS_BUDGETS = budgets
    [error] = check_settings()
    assert error.id == "webotp.E020"


def test_budgets_may_be_off(settings):
    settings.WEBOTP_SMS_BUDGETS = None
    assert check_settings() == []
    settings.WEBOTP_SMS_BUDGETS = {"number": None, "global": "10/m"}
    assert check_settings() == []


def test_bad_number_types_and_regions(settings):
    settings.WEBOTP_ALLOWED_NUMBER_TYPES = ("MOBILE", "CELLPHONE")
    settings.WEBOTP_ALLOWED_REGIONS = ["GB", "UK"]
    settings.WEBOTP_BLOCKED_REGIONS = "RU"
    assert check_settings() == [
        Error(checks.E021.format(names=["CELLPHONE"]), id="webotp.E021"),
        Error(checks.E022.format(name="WEBOTP_ALLOWED_REGIONS", codes=["UK"]), id="webotp.E022"),
        Error(checks.E022.format(name="WEBOTP_BLOCKED_REGIONS", codes="RU"), id="webotp.E022"),
    ]


def test_bot_check_must_import(settings):
    settings.WEBOTP_BOT_CHECK = "nowhere.check"
    [error] = check_settings()
    assert error.id == "webotp.E023"
    settings.WEBOTP_BOT_CHECK = "django_webotp.friction.turnstile"
    assert check_settings() == []
    settings.WEBOTP_BOT_CHECK = lambda request, phone: True
    assert check_settings() == []
