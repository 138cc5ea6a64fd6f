"""System checks of the purposes: webotp.E050-E053 and W050, compared as whole lists."""

import pytest
from django.core.checks import Error, Warning

from django_webotp import checks
from django_webotp.checks import check_settings

MIDDLEWARE = "django_webotp.middleware.TwoFactorMiddleware"


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def test_the_example_settings_are_clean():
    assert check_settings() == []


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_required_must_be_a_bool(settings, value):
    settings.WEBOTP_TWO_FACTOR_REQUIRED = value
    assert check_settings() == [Error(checks.E050.format(value=value), id="webotp.E050")]


@pytest.mark.parametrize("value", ["ENROLL", "", None])
def test_without_phone_must_be_a_known_choice(settings, value):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = value
    assert check_settings() == [Error(checks.E051.format(value=value), id="webotp.E051")]


@pytest.mark.parametrize("value", [-1, "7", 1.5, True])
def test_remember_days_must_be_whole_days(settings, value):
    settings.WEBOTP_TWO_FACTOR_REMEMBER_DAYS = value
    assert check_settings() == [Error(checks.E052.format(value=value), id="webotp.E052")]


def test_the_middleware_must_follow_authentication(settings):
    rest = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    settings.MIDDLEWARE = [MIDDLEWARE, *rest]
    assert check_settings() == [Error(checks.E053, id="webotp.E053")]


def test_required_without_the_middleware_warns(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    settings.WEBOTP_TWO_FACTOR_REQUIRED = True
    settings.WEBOTP_SIGNUP = False  # else W071 too (tests/checks/test_accounts.py)
    assert check_settings() == [
        Warning(
            checks.W050,
            hint=f"Add {MIDDLEWARE!r} to MIDDLEWARE after AuthenticationMiddleware.",
            id="webotp.W050",
        )
    ]


def test_no_middleware_and_not_required_is_fine(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    assert check_settings() == []
