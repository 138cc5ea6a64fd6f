"""The sign-in flow through the HTML views, as a browser without JavaScript drives it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.staticfiles import finders
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from django_webotp import sms
from django_webotp.models import Challenge, DeliveryStatus, PhoneIdentity
from django_webotp.testing import last_code
from tests.support.codes import wrong_code
from tests.support.signin import set_pending_state, start
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
RESEND = reverse("webotp:resend")


def test_phone_page_has_a_tel_field(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="tel"' in html
    assert 'name="phone_number"' in html
    assert 'autocomplete="tel"' in html


def test_valid_number_sends_an_sms_and_redirects_to_the_code_page(client):
    response = start(client, "07911 123456")  # national format, default region GB
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert len(sms.outbox) == 1
    message = sms.outbox[0]
    assert message.to == PHONE
    code = last_code(PHONE)
    assert message.body == f"{code} is your Example sign-in code.\n\n@testserver #{code}"
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert challenge.provider_message_id == message.provider_message_id
    assert challenge.requesting_ip == "127.0.0.1"


@pytest.mark.parametrize("raw", ["", "abc", "+1", "12", "+44 7700 90012345678", "x" * 100])
def test_invalid_number_gets_a_form_error_and_no_sms(client, raw):
    response = start(client, raw)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert sms.outbox == []
    assert not Challenge.objects.exists()


def test_code_page_renders_the_one_time_code_field_and_script(client):
    start(client)
    response = client.get(VERIFY)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="code"' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert " required" in html
    assert "django_webotp/webotp.js" in html
    assert "<script>" not in html  # no inline script: CSP-friendly
    assert "We sent a code by SMS to 07911 123456." in html  # as people read it, not E.164
    assert PHONE not in html


def test_code_page_without_a_request_goes_back_to_the_phone_page(client):
    assert client.get(VERIFY)["Location"] == LOGIN


def test_posting_a_code_without_a_request_is_a_clear_400(client):
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 400
    assert "Your sign-in request has expired" in response.content.decode()


def test_right_code_signs_in_a_new_user_and_rotates_the_session(client):
    start(client)
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session.session_key != key_before
    identity = PhoneIdentity.objects.get(phone_number=PHONE)
    assert str(client.session[SESSION_KEY]) == str(identity.user.pk)
    assert not identity.user.has_usable_password()
    assert "webotp" not in client.session


def test_known_number_signs_in_its_existing_user(client):
    user = make_user("alice")
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    start(client)
    client.post(VERIFY, {"code": last_code(PHONE)})
    assert str(client.session[SESSION_KEY]) == str(user.pk)
    assert get_user_model().objects.count() == 1


def test_inactive_user_is_refused(client):
    user = make_user("bob", is_active=False)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    start(client)
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_code_is_single_use(client):
    start(client)
    code = last_code(PHONE)
    client.post(VERIFY, {"code": code})
    challenge_id = Challenge.objects.get().pk
    other = client.__class__()
    set_pending_state(other, {"challenge": str(challenge_id), "phone": PHONE, "next": ""})
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert SESSION_KEY not in other.session


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account/", "/account/"),
        ("/account/?tab=1", "/account/?tab=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
    ],
)
def test_next_is_followed_only_when_it_stays_on_the_site(client, next_url, expected):
    start(client, next=next_url)
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response["Location"] == expected


def test_login_url_sends_people_to_the_phone_page_and_back(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=/account/")
    page = client.get(response["Location"])
    assert 'name="next" value="/account/"' in page.content.decode()


def test_wrong_code_counts_attempts_then_locks(client, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 3
    start(client)
    right = last_code(PHONE)
    wrong = wrong_code(right)
    first = client.post(VERIFY, {"code": wrong})
    assert first.status_code == 400
    assert "You have 2 attempts left" in first.content.decode()
    assert 'aria-describedby="id_code_error"' in first.content.decode()
    client.post(VERIFY, {"code": wrong})
    third = client.post(VERIFY, {"code": wrong})
    assert "Too many wrong codes. Request a new code." in third.content.decode()
    # Even the right code no longer works.
    after = client.post(VERIFY, {"code": right})
    assert "Too many wrong codes" in after.content.decode()
    assert SESSION_KEY not in client.session
    assert Challenge.objects.get().attempts == 3


@pytest.mark.parametrize("code", ["", "12ab56", "1234567", "12345", "１２３４５６"])
def test_malformed_code_is_a_form_error_that_costs_no_attempt(client, code):
    start(client)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert Challenge.objects.get().attempts == 0


def test_code_with_spaces_is_accepted(client):
    start(client)
    code = last_code(PHONE)
    response = client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302


def test_expired_code_is_refused_with_its_own_message(client):
    start(client)
    Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(VERIFY, {"code": last_code(PHONE)})
    assert response.status_code == 400
    assert "This code has expired" in response.content.decode()


def test_resend_replaces_the_code_after_the_cooldown(client, settings):
    settings.WEBOTP_RESEND_COOLDOWN = 30
    start(client)
    old_code = last_code(PHONE)
    too_soon = client.post(RESEND)
    assert too_soon.status_code == 429
    assert int(too_soon["Retry-After"]) in range(1, 31)
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=31))
    response = client.post(RESEND)
    assert response.status_code == 302
    assert len(sms.outbox) == 2
    page = client.get(VERIFY)
    assert "We sent a new code." in page.content.decode()
    assert Challenge.objects.pending().count() == 1
    new_code = last_code(PHONE)
    if old_code != new_code:
        stale = client.post(VERIFY, {"code": old_code})
        assert "A newer code was sent to you; use the latest one." in stale.content.decode()
    assert client.post(VERIFY, {"code": new_code}).status_code == 302


def test_a_replaced_challenge_says_a_newer_code_was_sent(client):
    start(client)
    first_code = last_code(PHONE)
    other_tab = client.__class__()
    start(other_tab)
    response = client.post(VERIFY, {"code": first_code})
    assert response.status_code == 400
    assert "A newer code was sent" in response.content.decode()


def test_new_request_invalidates_the_earlier_code(client):
    start(client)
    first = Challenge.objects.get()
    start(client)
    first.refresh_from_db()
    assert first.invalidated_at is not None
    assert Challenge.objects.open().count() == 1


def test_resend_is_post_only(client):
    start(client)
    assert client.get(RESEND).status_code == 405


def test_csrf_is_enforced(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(LOGIN, {"phone_number": PHONE})
    assert response.status_code == 403
    assert sms.outbox == []


class TestSignupOff:
    @pytest.fixture(autouse=True)
    def _signup_off(self, settings):
        settings.WEBOTP_SIGNUP = False

    def test_unknown_number_sees_the_same_page_but_gets_no_sms_and_no_user(self, client):
        response = start(client)
        assert response.status_code == 302
        assert response["Location"] == VERIFY
        assert sms.outbox == []
        assert Challenge.objects.get().delivery_status == DeliveryStatus.SUPPRESSED
        page = client.get(VERIFY)
        assert page.status_code == 200
        response = client.post(VERIFY, {"code": "123456"})
        assert response.status_code == 400
        assert not get_user_model().objects.exists()

    def test_unknown_number_cannot_sign_up_even_with_the_right_code(self, client):
        start(client)
        code = Challenge.objects.get().make_code()
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 403
        assert not get_user_model().objects.exists()

    def test_known_number_still_gets_a_code(self, client):
        user = make_user("carol")
        PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
        start(client)
        assert len(sms.outbox) == 1
        client.post(VERIFY, {"code": last_code(PHONE)})
        assert str(client.session[SESSION_KEY]) == str(user.pk)

    def test_known_and_unknown_numbers_get_identical_responses(self, client):
        user = make_user("dave")
        PhoneIdentity.objects.create(user=user, phone_number="+447911123999", can_sign_in=True)
        known = start(client, "+447911123999")
        unknown = start(client.__class__(), PHONE)
        assert known.status_code == unknown.status_code
        assert known["Location"] == unknown["Location"]
        assert sorted(known.headers) == sorted(unknown.headers)


def test_failing_sms_provider_is_a_clear_4xx_and_the_challenge_is_closed(client, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    response = start(client)
    assert 400 <= response.status_code < 500
    assert "We could not send the code just now" in response.content.decode()
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.status == "failed"
    assert "timeout" in challenge.delivery_error
    assert "webotp" not in client.session


def test_failing_resend_keeps_the_person_on_the_code_page(client, settings):
    start(client)
    Challenge.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    response = client.post(RESEND)
    assert response.status_code == 424
    assert "We could not send the code just now" in response.content.decode()
    retry = client.post(VERIFY, {"code": "123456"})
    assert "We could not send this code" in retry.content.decode()


def test_webotp_js_is_served_and_does_what_the_page_relies_on():
    source = Path(finders.find("django_webotp/webotp.js")).read_text(encoding="utf-8")
    assert "'OTPCredential' in window" in source.replace('"', "'")
    assert 'transport: ["sms"]' in source
    assert "requestSubmit" in source
    assert "controller.abort()" in source
    assert source.lstrip().startswith("/*") and "(function () {" in source  # no globals leaked
    assert finders.find("django_webotp/webotp.css")


def test_the_pages_links_follow_the_script_prefix_of_each_request(client):
    """A site served under a prefix (SCRIPT_NAME) links under it, and only those requests do."""
    for _ in range(2):
        assert f'action="{LOGIN}"' in client.get(LOGIN).content.decode()
        set_script_prefix("/shop/")  # what the WSGI handler does for SCRIPT_NAME=/shop
        try:
            page = client.get(LOGIN).content.decode()
        finally:
            set_script_prefix("/")
        assert f'action="/shop{LOGIN}"' in page
