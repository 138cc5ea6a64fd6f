"""Where a sign-in lands without a ``next``: LOGIN_REDIRECT_URL, except that Django's default,
``/accounts/profile/``, gives way to ``/`` when the site has no page there."""

import pytest
from django.conf import global_settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

from django_webotp.testing import last_code
from tests.project.urls import urlpatterns as site_urlpatterns
from tests.support.signin import PHONE, VERIFY, start

pytestmark = pytest.mark.django_db

DJANGO_DEFAULT = global_settings.LOGIN_REDIRECT_URL  # /accounts/profile/


def profile(request):
    return HttpResponse("profile")


class WithProfile:
    """The test site, with a page at Django's default LOGIN_REDIRECT_URL."""

    urlpatterns = [*site_urlpatterns, path("accounts/profile/", profile)]


class WithTranslatedProfile:
    """The test site, with that page under a language prefix (/en/accounts/profile/)."""

    urlpatterns = [*site_urlpatterns, *i18n_patterns(path("accounts/profile/", profile))]


def landing(client) -> str:
    start(client)
    return client.post(VERIFY, {"code": last_code(PHONE)})["Location"]


def test_the_default_with_no_page_there_lands_on_the_home_page(client, settings):
    settings.LOGIN_REDIRECT_URL = DJANGO_DEFAULT  # a 404 on this site
    assert landing(client) == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("urlconf", [WithProfile, WithTranslatedProfile])
def test_the_default_is_kept_when_the_site_has_a_page_there(client, settings, urlconf):
    settings.LOGIN_REDIRECT_URL = DJANGO_DEFAULT
    settings.ROOT_URLCONF = urlconf
    assert landing(client) == "/accounts/profile/"


def test_a_url_the_site_chose_is_kept_even_when_it_does_not_resolve(client, settings):
    settings.LOGIN_REDIRECT_URL = "/welcome/"
    assert landing(client) == "/welcome/"


def test_a_url_name_is_reversed(client, settings):
    settings.LOGIN_REDIRECT_URL = "account"
    assert landing(client) == "/account/"
