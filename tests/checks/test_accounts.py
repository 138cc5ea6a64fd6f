"""Checks of who signs in by code alone: webotp.W070 (deploy) and W071, compared as whole lists."""

import pytest
from django.core.checks import Warning, run_checks

from django_webotp import checks
from django_webotp.checks import check_settings

W070 = Warning(
    checks.W070,
    hint="Set WEBOTP_STAFF_SMS_SIGNIN = False so that staff sign in with their password and use "
    "their phone as the second step.",
    id="webotp.W070",
)
W071 = Warning(
    checks.W071,
    hint="Turn WEBOTP_SIGNUP off, or let those accounts set a password.",
    id="webotp.W071",
)


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def ours(messages):
    return [m for m in messages if m.id in ("webotp.W070", "webotp.W071")]


def test_staff_sms_sign_in_warns_at_deploy_only(settings):
    settings.WEBOTP_STAFF_SMS_SIGNIN = True
    assert ours(run_checks(include_deployment_checks=True)) == [W070]
    assert ours(run_checks()) == []


def test_staff_kept_off_sms_sign_in_is_clean_at_deploy():
    assert ours(run_checks(include_deployment_checks=True)) == []


def test_two_step_required_with_phone_sign_up_warns(settings):
    settings.WEBOTP_TWO_FACTOR_REQUIRED = True
    assert check_settings() == [W071]
    settings.WEBOTP_SIGNUP = False
    assert check_settings() == []
