"""POST verify/: the code signs the person in exactly as the HTML VerifyView does."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from django_webotp.models import Challenge, DeliveryStatus, PhoneIdentity
from django_webotp.testing import last_code
from tests.support.api import PHONE
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


def test_the_right_code_signs_in_and_answers_where_to_go(api):
    api.start(next="/account/")
    token_before = api.token
    response = api.verify(last_code(PHONE))
    assert response.status_code == 200
    assert response.json() == {"status": "verified", "redirect": "/account/"}
    identity = PhoneIdentity.objects.get(phone_number=PHONE)
    assert api.client.session[SESSION_KEY] == str(identity.user.pk)
    assert "webotp" not in api.client.session
    assert api.token != token_before  # login() rotated the CSRF token, as for the HTML views
    assert api.client.get("/account/").status_code == 200


def test_a_form_body_works_too(api):
    api.start()
    response = api.call("verify", {"code": last_code(PHONE)}, form=True)
    assert response.status_code == 200


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_an_offsite_or_missing_next_redirects_to_login_redirect_url(api, next_url):
    api.start(next=next_url)
    assert api.verify(last_code(PHONE)).json()["redirect"] == "/"


def test_without_a_challenge_it_is_no_challenge(api):
    response = api.verify("123456")
    assert response.status_code == 400
    assert response.json() == {
        "error": "no_challenge",
        "message": "Your sign-in request has expired. Enter your phone number again.",
    }


def test_a_code_from_another_browser_does_not_work_here(api, other_api):
    other_api.start()
    assert api.verify(last_code(PHONE)).json()["error"] == "no_challenge"


def test_a_wrong_code_says_how_many_attempts_are_left(api):
    api.start()
    code = last_code(PHONE)
    first = api.verify(wrong_code(code))
    assert first.status_code == 400
    assert first.json() == {
        "error": "invalid_code",
        "message": "That code is not right. You have 4 attempts left.",
        "field": "code",
        "attempts_left": 4,
    }
    assert api.verify(wrong_code(code)).json()["attempts_left"] == 3
    assert api.verify(code).status_code == 200


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the code from the SMS."),
        ("12a456", "The code is made of digits only."),
        ("12345", "The code has 6 digits."),
        ("١٢٣٤٥٦", "The code is made of digits only."),  # Arabic-Indic digits
    ],
)
def test_a_malformed_code_is_invalid_code_and_costs_no_attempt(api, code, message):
    api.start()
    response = api.verify(code)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_code",
        "message": message,
        "field": "code",
        "attempts_left": 5,
    }
    assert Challenge.objects.get().attempts == 0


def test_spaces_in_the_code_are_ignored(api):
    api.start()
    code = last_code(PHONE)
    assert api.verify(f" {code[:3]} {code[3:]} ").status_code == 200


def test_too_many_wrong_codes_lock_the_challenge(api, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 2
    api.start()
    code = last_code(PHONE)
    api.verify(wrong_code(code))
    locked = api.verify(wrong_code(code))
    assert locked.json()["error"] == "locked"
    assert locked.json()["attempts_left"] == 0
    response = api.verify(code)
    assert response.status_code == 400
    assert response.json() == {
        "error": "locked",
        "message": "Too many wrong codes. Request a new code.",
        "attempts_left": 0,
    }
    assert SESSION_KEY not in api.client.session


def test_an_expired_code_is_expired(api):
    api.start()
    Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.verify(last_code(PHONE))
    assert response.status_code == 400
    assert response.json()["error"] == "expired"
    assert response.json()["message"] == "This code has expired. Request a new code."


def test_a_used_code_is_used(api):
    api.start()
    Challenge.objects.update(consumed_at=timezone.now())
    response = api.verify(last_code(PHONE))
    assert response.json()["error"] == "used"


def test_a_replaced_code_is_replaced(api, other_api):
    api.start()
    code = last_code(PHONE)
    other_api.start()  # the same number from another browser replaces this one's challenge
    response = api.verify(code)
    assert response.json()["error"] == "replaced"
    assert response.json()["message"].startswith("A newer code was sent.")


def test_a_code_whose_sms_failed_is_undelivered(api):
    api.start()
    Challenge.objects.update(delivery_status=DeliveryStatus.FAILED)
    assert api.verify(last_code(PHONE)).json()["error"] == "undelivered"


def test_an_inactive_account_is_account_unavailable(api):
    user = make_user("gone", is_active=False)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    api.start()
    response = api.verify(last_code(PHONE))
    assert response.status_code == 403
    assert response.json() == {
        "error": "account_unavailable",
        "message": "This phone number cannot be used to sign in.",
    }
    assert SESSION_KEY not in api.client.session


def test_code_submissions_are_rate_limited_per_ip(api, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "2/10m"
    api.start()
    code = last_code(PHONE)
    api.verify(wrong_code(code))
    api.verify(wrong_code(code))
    response = api.verify(code)  # even the right code waits
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert int(response["Retry-After"]) == response.json()["retry_after"]
    assert SESSION_KEY not in api.client.session


@pytest.mark.parametrize("code", [123456, None, ["123456"], {"code": "123456"}])
def test_a_code_that_is_not_a_string_is_invalid_request(api, code):
    api.start()
    response = api.verify(code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert Challenge.objects.get().attempts == 0


def test_a_flow_may_start_in_the_html_view_and_finish_in_the_api(api):
    api.client.get("/login/")
    token = api.client.cookies["csrftoken"].value
    api.client.post("/login/", {"phone_number": PHONE, "csrfmiddlewaretoken": token})
    assert api.verify(last_code(PHONE)).status_code == 200
