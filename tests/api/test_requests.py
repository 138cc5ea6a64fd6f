"""What every route does with CSRF, methods and bodies: refusals in JSON, never a 5xx."""

import json

import pytest
from django.test import Client

from django_webotp import sms
from django_webotp.models import Challenge
from tests.support.api import PHONE, check_against_spec

pytestmark = pytest.mark.django_db

POSTS = ["start", "verify", "resend"]
URL = {name: f"/api/webotp/{name}/" for name in ["start", "verify", "resend", "status"]}
URL["openapi"] = "/api/webotp/openapi.json"
CSRF_FAILED = {
    "error": "csrf_failed",
    "message": "This request's security token is missing or out of date. Reload the page and "
    "try again.",
}


@pytest.mark.parametrize("name", POSTS)
def test_a_post_without_the_csrf_token_is_a_json_403(api, name):
    api.client.get(URL["status"])  # the cookie is there; the header is not
    response = api.client.post(URL[name], {"phone_number": PHONE}, content_type="application/json")
    check_against_spec(name, response)
    assert response.status_code == 403
    assert response.json() == CSRF_FAILED
    assert sms.outbox == []
    assert not Challenge.objects.exists()


@pytest.mark.parametrize("name", POSTS)
def test_a_post_with_a_wrong_token_is_a_json_403(api, name):
    headers = {"X-CSRFToken": "x" * 32}
    response = api.client.post(URL[name], {}, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


def test_a_post_from_another_origin_is_refused_even_with_the_token(api):
    headers = {"X-CSRFToken": api.token, "Origin": "https://evil.example"}
    response = api.client.post(
        URL["start"], {"phone_number": PHONE}, content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert sms.outbox == []


def test_the_token_may_come_as_a_form_field(api):
    data = {"phone_number": PHONE, "csrfmiddlewaretoken": api.token}
    assert api.client.post(URL["start"], data).status_code == 202


def test_csrf_is_checked_without_the_middleware_and_whatever_the_failure_view(api, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "csrf" not in m.lower()]
    settings.CSRF_FAILURE_VIEW = "tests.api.test_requests.html_failure_view"
    response = api.client.post(URL["start"], {"phone_number": PHONE})
    assert response.status_code == 403
    assert response.json() == CSRF_FAILED
    assert api.start().status_code == 202  # the token still works: the check is Django's own


def html_failure_view(request, reason=""):  # pragma: no cover - must never be the answer
    from django.http import HttpResponseForbidden

    return HttpResponseForbidden("<h1>custom</h1>")


def test_gets_need_no_token():
    client = Client(enforce_csrf_checks=True)
    assert client.get(URL["status"]).status_code == 400  # no_challenge, not csrf_failed
    assert client.get(URL["openapi"]).status_code == 200


METHODS = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
ALLOWED = {"start": "POST", "verify": "POST", "resend": "POST", "status": "GET", "openapi": "GET"}


@pytest.mark.parametrize("name", ALLOWED)
@pytest.mark.parametrize("method", METHODS)
def test_other_methods_are_a_json_405_with_allow(api, name, method):
    if method.upper() == ALLOWED[name]:
        return
    response = getattr(api.client, method)(URL[name], headers={"X-CSRFToken": api.token})
    assert response.status_code == 405
    assert response["Allow"] == ALLOWED[name]
    if method != "head":
        assert response.json()["error"] == "method_not_allowed"
        assert method.upper() in response.json()["message"]


BAD_BODIES = [
    ("application/json", b"{"),
    ("application/json", b"[]"),
    ("application/json", b'"+447400123456"'),
    ("application/json", b"null"),
    ("application/json", b"1e999999"),
    ("application/json", b'{"phone_number": 447400123456}'),
    ("application/json", b'{"phone_number": null}'),
    ("application/json", b'{"phone_number": ["+447400123456"]}'),
    ("application/json", b'{"next": {"a": 1}, "phone_number": "+447400123456"}'),
    ("application/json", b'{"phone_number": "\\ud800"}'),  # a lone surrogate: valid JSON only
    ("application/json", b'{"phone_number": "+44\xff"}'),  # not UTF-8
    ("application/json", b"[" * 100_000 + b"]" * 100_000),  # deeper than Python recurses
    ("application/json; charset=utf-8", b"{'phone_number': '+447400123456'}"),
    ("text/plain", b'{"phone_number": "+447400123456"}'),
    ("application/xml", b"<phone_number>+447400123456</phone_number>"),
    ("multipart/form-data", b"no boundary"),
]


@pytest.mark.parametrize(("content_type", "body"), BAD_BODIES)
def test_a_malformed_body_is_400_invalid_request(api, content_type, body):
    response = api.client.post(
        URL["start"], body, content_type=content_type, headers={"X-CSRFToken": api.token}
    )
    check_against_spec("start", response)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "error": "invalid_request",
        "message": "Send a JSON object (Content-Type: application/json) or form fields.",
    }
    assert sms.outbox == []


@pytest.mark.parametrize("name", POSTS)
def test_every_post_route_refuses_malformed_json(api, name):
    headers = {"X-CSRFToken": api.token}
    response = api.client.post(URL[name], b"{", content_type="application/json", headers=headers)
    assert response.json()["error"] == "invalid_request"


def test_a_body_over_the_upload_limit_is_invalid_request(api, settings):
    token = api.token
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    for content_type, body in [
        ("application/json", json.dumps({"phone_number": PHONE, "x": "y" * 200})),
        ("application/x-www-form-urlencoded", f"phone_number=1&x={'y' * 200}"),
    ]:
        response = api.client.post(
            URL["start"], body, content_type=content_type, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"


def test_too_many_fields_is_invalid_request(api, settings):
    token = api.token
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    many = {f"f{i}": "v" for i in range(10)}
    for content_type, body in [
        ("application/json", json.dumps(many)),
        ("application/x-www-form-urlencoded", "&".join(f"{k}={v}" for k, v in many.items())),
    ]:
        response = api.client.post(
            URL["start"], body, content_type=content_type, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"


def test_json_with_a_suffix_type_and_unknown_members_is_accepted(api):
    body = json.dumps({"phone_number": PHONE, "extra": [1, {"x": None}], "n": 3})
    response = api.client.post(
        URL["start"],
        body,
        content_type="application/vnd.example+json",
        headers={"X-CSRFToken": api.token},
    )
    assert response.status_code == 202


def test_an_empty_body_without_a_content_type_is_a_missing_field(api):
    response = api.client.post(
        URL["start"], b"", content_type="", headers={"X-CSRFToken": api.token}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_phone"


def test_phone_numbers_stay_out_of_error_reports(api, rf):
    """As on the HTML views: sensitive_post_parameters hides them, JSON bodies included."""
    from django.views.debug import SafeExceptionReporterFilter

    from django_webotp.api.payload import read_fields

    request = rf.post(URL["start"], {"phone_number": PHONE}, content_type="application/json")
    request.sensitive_post_parameters = ["phone_number"]
    read_fields(request, ("phone_number",))
    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleaned["phone_number"] != PHONE
