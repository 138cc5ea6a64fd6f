"""Token mode: a native app signs in over HTTPS with a flow token, no cookies and no CSRF token."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_webotp.conf import webotp_settings
from django_webotp.flows import flow_token, pending
from django_webotp.models import Challenge, PhoneIdentity
from django_webotp.testing import last_code
from tests.support.api import PHONE, NativeApp, check_against_spec
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

OTHER_PHONE = "+447400123457"


@pytest.fixture
def tokens_on(settings):
    settings.WEBOTP_API_TOKENS = True
    settings.WEBOTP_API_ISSUE_TOKEN = "tests.api.test_native.issue_test_token"


@pytest.fixture
def app(tokens_on) -> NativeApp:
    return NativeApp()


def issue_test_token(request, user) -> dict:
    return {"token": f"test-token-for-{user.pk}", "user_id": str(user.pk)}  # a UUID pk too


def test_start_then_verify_with_a_flow_token_and_no_cookies(app):
    started = app.start(next="/account/")
    assert started.status_code == 202
    assert started.json()["flow_token"]
    assert not started.cookies  # no pending cookie, no CSRF cookie, no session
    verified = app.verify(last_code(PHONE))
    assert verified.status_code == 200
    user = PhoneIdentity.objects.get(phone_number=PHONE).user
    assert verified.json() == {
        "status": "verified",
        "redirect": "/account/",
        "token": f"test-token-for-{user.pk}",
        "user_id": str(user.pk),
    }
    assert not verified.cookies  # login() was not called: no session cookie
    assert Session.objects.count() == 0


def test_status_and_resend_follow_the_token(app):
    app.start()
    first_code, first_token = last_code(PHONE), app.flow
    status = app.call("status")
    assert status.status_code == 200
    assert status.json()["state"] == "pending"
    assert "csrftoken" not in status.cookies  # token mode needs no CSRF cookie
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))  # cooldown over
    resent = app.call("resend")
    assert resent.status_code == 202
    assert app.flow != first_token
    assert app.verify(first_code).json()["error"] == "superseded"
    assert app.verify(last_code(PHONE)).status_code == 200


def test_without_token_mode_a_cookieless_https_post_is_csrf_failed(settings):
    settings.WEBOTP_API_TOKENS = False  # the default: the header means nothing
    response = NativeApp().start()
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


def test_token_mode_on_but_no_header_keeps_the_csrf_check(tokens_on):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("webotp_api:start"),
        json.dumps({"phone_number": PHONE}),
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


def refused(response) -> bool:
    return response.status_code == 400 and response.json()["error"] == "invalid_flow_token"


def test_a_tampered_token_is_refused(app):
    app.start()
    token = app.flow
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert refused(app.verify(last_code(PHONE), flow=tampered))
    assert refused(app.call("status", flow="not a token"))
    assert refused(app.call("resend", flow=""))
    assert app.verify(last_code(PHONE)).status_code == 200  # the real one still works


def test_an_expired_token_is_refused(app, monkeypatch):
    app.start()
    later = time.time() + webotp_settings.CODE_TTL + webotp_settings.RESEND_COOLDOWN + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert refused(app.verify(last_code(PHONE)))


def test_a_replayed_token_gets_no_second_sign_in(app):
    app.start()
    code, token = last_code(PHONE), app.flow
    assert app.verify(code).status_code == 200
    again = app.verify(code, flow=token)
    assert again.status_code == 400
    assert again.json()["error"] == "used"
    assert "token" not in again.json()


def test_a_token_for_another_purpose_or_another_salt_is_refused(app):
    app.start()
    state = signing.loads(app.flow, salt=flow_token.SALT)["state"]
    other_purpose = signing.dumps({"purpose": "two_factor", "state": state}, salt=flow_token.SALT)
    assert refused(app.verify(last_code(PHONE), flow=other_purpose))
    cookie_value = signing.dumps({"webotp": state}, salt=pending.SALT, compress=True)
    assert refused(app.verify(last_code(PHONE), flow=cookie_value))  # a pending cookie's value
    assert refused(app.start(flow="x"))


def test_start_takes_only_new(app):
    app.start()
    assert refused(app.start(flow=app.flow))  # a token is for carrying a sign-in on


def test_a_wrong_code_counts_as_in_a_browser(app):
    app.start()
    code = last_code(PHONE)
    response = app.verify(wrong_code(code))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_code"
    assert response.json()["attempts_left"] == 4
    assert app.verify(code).status_code == 200


def test_an_inactive_account_gets_no_credential(app):
    user = make_user("gone", is_active=False)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    app.start()
    response = app.verify(last_code(PHONE))
    assert response.status_code == 403
    assert response.json()["error"] == "account_unavailable"
    assert "token" not in response.json()


def test_token_mode_never_touches_the_cookie_session(tokens_on, alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    session_key = browser.cookies["sessionid"].value
    before = Session.objects.get(session_key=session_key).session_data
    app = NativeApp(browser)  # the same cookies go along with every call
    started = app.start(OTHER_PHONE)
    assert started.status_code == 202
    verified = app.verify(last_code(OTHER_PHONE))
    assert verified.status_code == 200
    assert not started.cookies and not verified.cookies
    assert browser.cookies["sessionid"].value == session_key
    assert Session.objects.get(session_key=session_key).session_data == before
    assert browser.session[SESSION_KEY] == str(alice.pk)  # still alice, not the new number


def test_a_bad_token_never_falls_back_to_the_browsers_pending_cookie(tokens_on, api):
    api.start()  # a browser's sign-in, in its pending cookie
    code = last_code(PHONE)
    app = NativeApp(api.client)
    assert refused(app.verify(code, flow="forged"))
    assert api.verify(code).status_code == 200  # the browser's own flow is untouched


def test_the_phone_rate_limit_is_shared_with_browsers(app, api, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    assert api.start().status_code == 202
    response = app.start()
    assert response.status_code == 429
    assert "flow_token" not in response.json()


def test_code_submissions_are_rate_limited_as_in_a_browser(app, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "2/10m"
    app.start()
    code = last_code(PHONE)
    app.verify(wrong_code(code))
    app.verify(wrong_code(code))
    response = app.verify(code)  # even the right code waits
    assert response.status_code == 429
    assert "token" not in response.json()


def test_a_malformed_body_is_invalid_request_and_a_form_body_works(app):
    url = reverse("webotp_api:start")
    headers = {"X-WebOTP-Flow": "new"}
    bad = app.client.post(url, "{", content_type="application/json", secure=True, headers=headers)
    check_against_spec("start", bad)
    assert bad.json()["error"] == "invalid_request"
    form = app.client.post(url, {"phone_number": PHONE}, secure=True, headers=headers)
    check_against_spec("start", form)
    assert form.status_code == 202
    assert form.json()["flow_token"]
