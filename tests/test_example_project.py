"""The example site: home, a page behind login, sign-out, and the bundled static files."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from django_webotp.models import PhoneIdentity

pytestmark = pytest.mark.django_db


def test_home_says_nobody_is_signed_in(client):
    html = client.get("/").content.decode()
    assert "You are not signed in." in html
    assert reverse("webotp:login") in html


def test_signed_in_pages_and_sign_out(client, django_user_model):
    user = django_user_model.objects.create_user("grace")
    PhoneIdentity.objects.create(user=user, phone_number="+447911123456")
    client.force_login(user)
    assert "Signed in as <strong>grace</strong>" in client.get("/").content.decode()
    account = client.get("/account/").content.decode()
    assert "+447911123456" in account
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert "You are not signed in." in client.get("/").content.decode()


def test_webotp_js_is_served_and_does_what_the_page_relies_on():
    from pathlib import Path

    source = Path(finders.find("django_webotp/webotp.js")).read_text(encoding="utf-8")
    assert "'OTPCredential' in window" in source.replace('"', "'")
    assert 'transport: ["sms"]' in source
    assert "requestSubmit" in source
    assert "controller.abort()" in source
    assert source.lstrip().startswith("/*") and "(function () {" in source  # no globals leaked
    assert finders.find("django_webotp/webotp.css")


def test_settings_module_can_be_extended():
    import importlib

    module = importlib.import_module("tests.settings")
    assert module.ROOT_URLCONF == "example_project.urls"
    assert "django_webotp" in module.INSTALLED_APPS


def test_manage_py_check_passes_for_the_example(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "example_project.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
