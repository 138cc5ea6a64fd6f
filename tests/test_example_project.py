"""The example site: home, a page behind login, sign-out, its Spanish pages and its SMS backend.

The example project is not in the sdist: there this module is skipped.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from django_webotp import sms
from django_webotp.models import PhoneIdentity
from django_webotp.testing import last_code
from tests.support.accounts import TWO_FACTOR, finish_two_factor, password_login
from tests.support.catalogs import assert_compiled, assert_complete, catalog_id
from tests.support.users import PASSWORD, make_user

example_project = pytest.importorskip(
    "example_project", reason="the example project is not here (an sdist ships without it)"
)

EXAMPLE = Path(example_project.__file__).parent
ROOT = EXAMPLE.parent  # where the example's manage.py is
CATALOGS = sorted(EXAMPLE.glob("locale/*/LC_MESSAGES/django.po"))
PHONE = "+447911123456"


@pytest.fixture
def example_site(settings):
    """The example's URLs, templates and catalogs, on the test database."""
    settings.ROOT_URLCONF = "example_project.urls"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [EXAMPLE / "templates"]}]
    settings.LOCALE_PATHS = [EXAMPLE / "locale"]


pytestmark = pytest.mark.usefixtures("example_site")


@pytest.mark.django_db
def test_home_says_nobody_is_signed_in(client):
    html = client.get("/").content.decode()
    assert "You are not signed in." in html
    assert reverse("webotp:login") in html


@pytest.mark.django_db
def test_signed_in_pages_and_sign_out(client):
    user = make_user(username="grace")
    PhoneIdentity.objects.create(user=user, phone_number=PHONE)
    client.force_login(user)
    assert (
        f"Signed in as <strong>{user.get_username()}</strong>" in client.get("/").content.decode()
    )
    account = client.get("/account/").content.decode()
    assert "+44 ••• 456" in account
    assert PHONE not in account and "7911123456" not in account  # masked, not shown
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert "You are not signed in." in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_account_named_after_its_number_is_shown_by_it_as_people_read_it(client):
    user = make_user(username=PHONE)  # as a phone sign-up names it
    PhoneIdentity.objects.create(user=user, phone_number=PHONE)
    client.force_login(user)
    for page in ("/", "/account/"):
        html = client.get(page).content.decode()
        assert "Signed in as <strong>07911 123456</strong>." in html
        assert PHONE not in html


@pytest.mark.django_db
def test_the_example_site_in_spanish(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = client.get(reverse("home")).content.decode()
    assert "No has iniciado sesión." in page
    assert "Inicia sesión con tu teléfono" in page
    assert "Cuenta" in page


def test_every_language_the_example_offers_has_a_catalog():
    from example_project import settings as example_settings

    for code, _name in example_settings.LANGUAGES:
        if code != "en":
            assert (EXAMPLE / f"locale/{code}/LC_MESSAGES/django.po").exists()
    assert CATALOGS


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    assert_complete(path)


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_the_compiled_catalog_matches_its_source(path):
    assert_compiled(path)


def test_the_example_backend_writes_a_file_and_prints(tmp_path, capsys):
    from example_project.sms_backend import SmsBackend

    message = sms.SmsMessage(to=PHONE, body="123456\n\n@localhost #123456")
    assert SmsBackend(file_path=tmp_path).send_messages([message]) == 1

    assert f"SMS to {PHONE}" in capsys.readouterr().out
    (path,) = tmp_path.iterdir()
    assert path.read_text().endswith("\n\n123456\n\n@localhost #123456")


def test_settings_module_can_be_extended():
    from example_project import settings as example_settings

    assert example_settings.ROOT_URLCONF == "example_project.urls"
    assert "django_webotp" in example_settings.INSTALLED_APPS


def test_manage_py_check_passes_for_the_example():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "example_project.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_example_needs_no_new_migration():
    """The app's migrations match its models under the example's settings (auth.User)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "example_project.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "django_webotp"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- setting a password: an example of good practice ------------------------------------

SET_PASSWORD = "/account/password/"
NEW_PASSWORD = "a-new-and-long-passphrase-42"


def set_password(client, **fields):
    return client.post(
        SET_PASSWORD, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **fields}
    )


def phone_sign_up(client):
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    client.post(reverse("webotp:verify"), {"code": last_code(PHONE)})
    return PhoneIdentity.objects.get(phone_number=PHONE).user


def test_changing_a_password_needs_the_old_one(client, alice):
    finish_two_factor(client)
    assert b'name="old_password"' in client.get(SET_PASSWORD).content
    assert set_password(client).status_code == 400
    assert set_password(client, old_password="not-it").status_code == 400
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)

    assert set_password(client, old_password=PASSWORD)["Location"] == "/account/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert client.get("/account/").status_code == 200  # this session stays signed in


def test_a_password_session_waiting_for_its_code_goes_to_the_code_page_first(client, alice):
    password_login(client)
    response = set_password(client, old_password=PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_phone_only_account_sets_a_first_password_right_after_signing_in(client):
    user = phone_sign_up(client)
    assert b'name="old_password"' not in client.get(SET_PASSWORD).content
    assert set_password(client)["Location"] == "/account/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_phone_only_session_left_open_must_sign_in_again_to_set_a_password(client):
    from example_project.views import RECENT_SIGN_IN, SIGNED_IN_AT

    user = phone_sign_up(client)
    session = client.session
    session[SIGNED_IN_AT] -= RECENT_SIGN_IN + 1
    session.save()
    assert client.get(SET_PASSWORD).status_code == 403
    response = set_password(client)
    assert response.status_code == 403 and b"sign in again" in response.content
    user.refresh_from_db()
    assert not user.has_usable_password()
