"""The pytest plugin a site's own tests use, run as a site would run it (through pytester)."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

SITE_TESTS = """
import pytest
from django.test import Client
from django_webotp import sms

PHONE = "+447911123456"

@pytest.mark.django_db
def test_sign_in_reads_like_mailoutbox(sms_outbox, sms_code):
    client = Client()
    client.post("/login/", {"phone_number": PHONE})
    assert len(sms_outbox) == 1 and sms_outbox[0].to == PHONE
    response = client.post("/login/verify/", {"code": sms_code(PHONE)})
    assert response.status_code == 302 and "_auth_user_id" in client.session

def test_the_locmem_backend_is_on_even_if_the_site_uses_another(sms_outbox, settings):
    assert settings.WEBOTP_SMS_BACKEND == "django_webotp.sms.backends.locmem.SmsBackend"
    sms.send_sms(PHONE, "First")
    assert [m.body for m in sms_outbox] == ["First"]

def test_each_test_starts_with_an_empty_outbox(sms_outbox):
    assert sms_outbox == []

def test_sms_code_reads_the_newest_sms_to_that_number(sms_outbox, sms_code):
    sms.send_sms(PHONE, "111111\\n\\n@example.com #111111")
    sms.send_sms("+447700900123", "222222\\n\\n@example.com #222222")
    sms.send_sms(PHONE, "333333\\n\\n@example.com #333333")
    assert sms_code(PHONE) == "333333"
    assert sms_code("+447700900123") == "222222"
    assert sms_code() == "333333"
    assert sms_code("+12015550123") is None

def test_sms_code_is_none_when_browsers_could_not_read_the_sms(sms_outbox, sms_code):
    sms.send_sms(PHONE, "Your code is 444444")
    assert sms_code(PHONE) is None
"""


@pytest.fixture
def site(pytester, monkeypatch):
    """A site's test directory whose settings send SMS to the console, as a real site's might."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(
        site_settings="""
from tests.settings import *
WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.console.SmsBackend"
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Not the outer run's test database, which is in use while this one runs (and named after
    # it, so that runs side by side on one server keep apart).
    outer = DATABASES["default"]["NAME"]
    DATABASES["default"]["TEST"] = {"NAME": f"test_{outer}_pytest_plugin"}
"""
    )
    pytester.makepyfile(test_site=SITE_TESTS)
    return pytester


def test_the_fixtures_work_in_a_sites_own_tests(site):
    result = site.runpytest_subprocess("--ds=site_settings", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_plugin_is_found_through_its_entry_point(site):
    result = site.runpytest_subprocess("--ds=site_settings", "--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["sms_outbox*", "*Send SMS to*", "sms_code*"])


def test_the_fixtures_serve_this_projects_own_tests_too(sms_outbox, sms_code):
    from django_webotp import sms

    sms.send_sms("+447911123456", "555555\n\n@example.com #555555")
    assert sms_outbox[0].to == "+447911123456"
    assert sms_code("+447911123456") == "555555"
