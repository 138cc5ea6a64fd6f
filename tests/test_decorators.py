"""Ways to require the second step: decorator (sync, async), mixin, middleware; what they hide."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from django_webotp.middleware import TwoFactorMiddleware
from django_webotp.two_factor import (
    VERIFIED_SESSION_KEY,
    State,
    get_state,
    is_verified,
    two_factor_required,
)
from tests.support.accounts import TWO_FACTOR, finish_two_factor, password_login


@pytest.mark.parametrize("url", ["/async-protected/", "/class-protected/"])
def test_marked_views_send_a_partial_session_to_the_code_page(client, alice, url):
    password_login(client)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next={url}"


@pytest.mark.parametrize("url", ["/async-protected/", "/class-protected/"])
def test_marked_views_send_a_signed_out_visitor_to_the_login_page(client, url):
    assert client.get(url)["Location"] == f"/login/?next={url}"


def test_marked_views_open_once_the_second_step_is_done(client, alice):
    finish_two_factor(client)
    assert client.get("/async-protected/").content == b"async protected"
    assert client.get("/class-protected/").content == b"class protected for alice"


def test_the_decorator_takes_a_login_url(client):
    assert (
        client.get("/protected-elsewhere/")["Location"] == "/elsewhere/?next=/protected-elsewhere/"
    )


def test_the_decorator_works_without_the_middleware(client, alice, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "django_webotp.middleware.TwoFactorMiddleware"
    ]
    password_login(client)
    assert client.get("/protected/")["Location"] == f"{TWO_FACTOR}?next=/protected/"
    assert client.get("/class-protected/")["Location"].startswith(TWO_FACTOR)


def partial_request(user, path="/protected/"):
    """A request as AuthenticationMiddleware leaves it after a password login."""
    request = RequestFactory().get(path)
    request.session = SessionStore()
    request.session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    request.user = user
    return request


def test_the_middleware_makes_request_user_anonymous_for_a_protected_view(alice):
    request = partial_request(alice)
    view = two_factor_required(lambda request: None)
    response = TwoFactorMiddleware(lambda request: None).process_view(request, view, (), {})
    assert response.status_code == 302
    assert isinstance(request.user, AnonymousUser)
    assert get_state(request) is State.PENDING  # still known for the code page


def test_the_hidden_user_is_anonymous_to_async_code_too(alice):
    request = partial_request(alice)
    view = two_factor_required(lambda request: None)
    TwoFactorMiddleware(lambda request: None).process_view(request, view, (), {})
    assert isinstance(async_to_sync(request.auser)(), AnonymousUser)


def test_the_middleware_leaves_unmarked_views_alone(alice):
    request = partial_request(alice)
    response = TwoFactorMiddleware(lambda request: None).process_view(
        request, lambda request: None, (), {}
    )
    assert response is None
    assert request.user == alice


@pytest.mark.parametrize(
    ("backend", "state"),
    [
        ("django_webotp.backends.PhoneOTPBackend", State.ONE_FACTOR),
        ("tests.support.phone_backends.SitePhoneBackend", State.ONE_FACTOR),
        ("django.contrib.auth.backends.ModelBackend", State.PENDING),
        ("nowhere.Backend", State.PENDING),
        (None, State.PENDING),  # a session that recorded no backend
    ],
)
def test_a_session_signed_in_by_phone_code_has_one_factor_not_two(alice, backend, state):
    request = partial_request(alice)
    request.session["_auth_user_backend"] = backend
    assert get_state(request) is state


def queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_middleware_costs_a_signed_in_session_no_query(client, alice, settings):
    finish_two_factor(client)
    settings.WEBOTP_TWO_FACTOR_REQUIRED = True
    guarded = queries_for(client, "/account/")
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "django_webotp.middleware.TwoFactorMiddleware"
    ]
    assert queries_for(client, "/account/") == guarded


def test_a_session_signed_in_by_phone_code_is_not_two_step_verified(alice):
    """Whatever the session holds, an SMS sign-in is one factor: never VERIFIED, and the views
    that need the second step answer 403 instead of running."""
    request = partial_request(alice)
    request.session["_auth_user_backend"] = "django_webotp.backends.PhoneOTPBackend"
    request.session[VERIFIED_SESSION_KEY] = {"user": str(alice.pk), "method": "sms", "at": 0}
    assert get_state(request) is State.ONE_FACTOR
    assert is_verified(request) is False
    view = two_factor_required(lambda request: "ran")
    assert view(request).status_code == 403
    answer = TwoFactorMiddleware(lambda request: None).process_view(request, view, (), {})
    assert answer.status_code == 403
