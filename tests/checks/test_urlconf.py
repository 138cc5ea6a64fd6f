"""webotp.E080: the site's URLconf must include django_webotp.urls (its ``webotp`` namespace)."""

import pytest
from django.contrib import admin
from django.core.checks import Error
from django.urls import include, path

from django_webotp import checks
from django_webotp.checks import check_settings


class FreshProject:
    """A URLconf (any object with ``urlpatterns``): a new project's, before the include."""

    urlpatterns = [path("admin/", admin.site.urls)]


class Renamed:
    """The include under a prefix and an instance namespace of the site's choosing."""

    urlpatterns = [path("accounts/phone/", include("django_webotp.urls", namespace="phone"))]


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def test_the_include_is_found_in_the_test_site():
    assert check_settings() == []


def test_a_urlconf_without_the_include_is_an_error_that_shows_the_line(settings):
    settings.ROOT_URLCONF = FreshProject
    assert check_settings() == [Error(checks.E080, hint=checks.E080_HINT, id="webotp.E080")]
    assert 'path("login/", include("django_webotp.urls"))' in checks.E080_HINT


def test_any_prefix_and_instance_namespace_will_do(settings):
    settings.ROOT_URLCONF = Renamed
    assert check_settings() == []


def test_a_urlconf_that_fails_to_load_is_left_to_djangos_own_checks(settings):
    settings.ROOT_URLCONF = "tests.no_such_urls"
    assert check_settings() == []
