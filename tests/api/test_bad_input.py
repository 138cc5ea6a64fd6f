"""Bad input that once answered 500: each now a 400 in the API's JSON error shape, and nothing
sent or stored."""

from __future__ import annotations

import pytest
from django.test import Client

from django_webotp import sms
from django_webotp.models import Challenge
from tests.support.api import PHONE, Api

pytestmark = pytest.mark.django_db

START = "/api/webotp/start/"
MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="phone_number"\r\n\r\n+447400123456\r\n--b--\r\n'
)


def nothing_happened() -> None:
    assert not Challenge.objects.exists()
    assert not sms.outbox


@pytest.mark.parametrize("form", [False, True])
def test_a_nul_byte_in_next_is_a_bad_request(api, form):
    response = api.call("start", {"phone_number": PHONE, "next": "/account/\x00"}, form=form)

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "message": "The address to go to after signing in is not valid.",
        "field": "next",
    }
    nothing_happened()


def test_a_nul_byte_in_the_phone_number_is_an_invalid_phone(api):
    response = api.call("start", {"phone_number": "+44740012\x003456"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_phone"
    nothing_happened()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # Django refuses a urlencoded form in any charset but UTF-8 (BadRequest) ...
        (b"phone_number=%2B447400123456", "application/x-www-form-urlencoded; charset=latin-1"),
        (b"phone_number=\xff\xfe", "application/x-www-form-urlencoded; charset=utf-16"),
        # ... and a multipart one in a charset that cannot decode it, or is not text at all.
        (MULTIPART, "multipart/form-data; boundary=b; charset=idna"),
        (MULTIPART, "multipart/form-data; boundary=b; charset=undefined"),
        (MULTIPART, "multipart/form-data; boundary=b; charset=base64"),
        (MULTIPART, "multipart/form-data; boundary=b; charset=rot13"),
    ],
)
@pytest.mark.parametrize("route", ["start", "verify", "resend"])
def test_a_form_in_a_charset_django_cannot_read_is_a_bad_request(api, route, body, content_type):
    """With the CSRF cookie and header of a real browser session, so the body is really read."""
    response = api.client.generic(
        "POST",
        f"/api/webotp/{route}/",
        body,
        content_type=content_type,
        headers={"X-CSRFToken": api.token},
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "message": "Send a JSON object (Content-Type: application/json) or form fields.",
    }
    nothing_happened()


def test_a_non_utf8_form_body_is_read_with_replacement_characters(api):
    """Not UTF-8, but declared as nothing else: Django replaces the bytes; the number is refused."""
    response = api.client.post(
        START,
        b"phone_number=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRFToken": api.token},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_phone"


@pytest.mark.parametrize("host", ["[::1]", "[::1]:8000", "localhost.", "localhost.:8000"])
def test_a_host_no_sms_can_name_is_a_bad_request_in_debug(settings, host):
    """DEBUG and no WEBOTP_DOMAIN: the SMS would name the page's host, and cannot name these."""
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = None
    api = Api(Client(enforce_csrf_checks=True, HTTP_HOST=host))

    response = api.call("start", {"phone_number": PHONE})

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["message"].startswith("No code was sent: an SMS cannot name this page's address")
    assert "localhost or 127.0.0.1, or set WEBOTP_DOMAIN." in body["message"]
    nothing_happened()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000"])
def test_hosts_an_sms_can_name_still_work_in_debug(settings, host):
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = None
    api = Api(Client(enforce_csrf_checks=True, HTTP_HOST=host))

    assert api.start().status_code == 202
    assert f"@{host.split(':')[0]} #" in sms.outbox[-1].body
