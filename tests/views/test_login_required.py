"""Sites that require login everywhere (LoginRequiredMiddleware) can still sign people in."""

import pytest
from django.urls import reverse

from django_webotp.testing import last_code

pytestmark = pytest.mark.django_db
PHONE = "+447400123456"


@pytest.fixture(autouse=True)
def login_required_everywhere(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]


def test_a_page_behind_the_middleware_sends_people_to_phone_sign_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("webotp:login"))


def test_phone_sign_in_works_under_the_middleware(client):
    assert client.get(reverse("webotp:login")).status_code == 200
    assert client.post(reverse("webotp:login"), {"phone_number": PHONE}).status_code == 302
    assert client.get(reverse("webotp:verify")).status_code == 200
    assert client.get(reverse("webotp:status")).status_code == 200
    response = client.post(reverse("webotp:verify"), {"code": last_code(PHONE)})
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 200


def test_the_json_api_and_receipts_are_open_to_anonymous_callers(client):
    status = client.get(reverse("webotp_api:status"))
    assert status.status_code == 400  # answered (nothing started yet), not sent to sign in
    assert status.json()["error"] == "no_challenge"
    assert client.get(reverse("webotp_api:openapi")).status_code == 200
    response = client.post(
        reverse("webotp_receipts:webhook"), b"{}", content_type="application/json"
    )
    assert response.status_code == 403  # refused for its missing signature, not sent to sign in
