"""Token mode with Django REST framework: verify hands out the user's authtoken, which then
authenticates the app's calls to the site's DRF views (pip install django-webotp[drf])."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.db import connection

pytest.importorskip("rest_framework")

from rest_framework.authentication import TokenAuthentication  # noqa: E402
from rest_framework.permissions import IsAuthenticated  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from django_webotp.models import PhoneIdentity  # noqa: E402
from django_webotp.testing import last_code  # noqa: E402
from tests.support.api import PHONE, NativeApp  # noqa: E402

# The table is made and dropped here: DDL needs a real transaction on SQLite.
pytestmark = pytest.mark.django_db(transaction=True)


class WhoAmI(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"user": request.user.pk})


@pytest.fixture
def authtoken(monkeypatch, settings) -> Iterator[None]:
    """rest_framework.authtoken installed, with its table, for this test only.

    Not override_settings: it loads the apps before it changes the setting, and authtoken's
    models read INSTALLED_APPS as they load (they would come out abstract).
    """
    installed = [*django_settings.INSTALLED_APPS, "rest_framework", "rest_framework.authtoken"]
    monkeypatch.setattr(django_settings, "INSTALLED_APPS", installed)
    apps.set_installed_apps(installed)
    token = apps.get_model("authtoken", "Token")
    try:
        with connection.schema_editor() as editor:
            editor.create_model(token)
        settings.WEBOTP_API_TOKENS = True
        settings.WEBOTP_API_ISSUE_TOKEN = "django_webotp.api.drf.authtoken"
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(token)
    finally:
        for model in list(admin.site._registry):  # authtoken's admin registered its proxy
            if model._meta.app_label == "authtoken":
                admin.site.unregister(model)
        apps.unset_installed_apps()


def whoami(authorization: str) -> tuple[int, object]:
    request = APIRequestFactory().get("/me/", HTTP_AUTHORIZATION=authorization)
    response = WhoAmI.as_view()(request)
    return response.status_code, response.data.get("user")


def test_verify_issues_a_drf_token_that_authenticates(authtoken):
    app = NativeApp()
    app.start()
    verified = app.verify(last_code(PHONE))
    assert verified.status_code == 200
    key = verified.json()["token"]
    user = PhoneIdentity.objects.get(phone_number=PHONE).user
    assert whoami(f"Token {key}") == (200, user.pk)
    assert whoami("Token not-the-key")[0] == 401


def test_a_second_sign_in_gets_the_same_token(authtoken):
    keys = []
    for _ in range(2):
        app = NativeApp()
        app.start()
        keys.append(app.verify(last_code(PHONE)).json()["token"])
    assert keys[0] == keys[1]
