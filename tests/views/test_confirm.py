"""Confirming an action: the code is bound to the action's digest and works once, for it alone."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from django_webotp import confirm, sms
from django_webotp.models import Challenge, Purpose, Verdict
from django_webotp.sms_format import build_message, parse_origin_bound_message
from django_webotp.testing import last_code, last_message
from tests.support.accounts import NEW_PHONE, PHONE, password_login
from tests.support.codes import wrong_code

PAY = "/pay/"


def payment(amount: str = "20.00", payee: str = "Acme") -> confirm.Action:
    return confirm.Action(
        "payment",
        {"amount": Decimal(amount), "currency": "EUR", "payee": payee, "order": 1042},
        description=f"payment of €{amount} to {payee}",
    )


@pytest.fixture
def http_request(alice):
    """A request of signed-in alice, with a session (what the API functions are given)."""
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    request.session = SessionStore()
    request.user = alice
    return request


# --- the digest ----------------------------------------------------------------------------


def test_the_digest_is_the_same_for_the_same_action_however_written():
    one = confirm.action_digest("payment", {"amount": Decimal("20.00"), "payee": "Acme"})
    assert one == confirm.action_digest("payment", {"payee": "Acme", "amount": Decimal("20")})
    assert re.fullmatch(r"[0-9a-f]{64}", one)


@pytest.mark.parametrize(
    ("name", "details"),
    [
        ("refund", {"amount": Decimal("20.00"), "payee": "Acme"}),
        ("payment", {"amount": Decimal("20.01"), "payee": "Acme"}),
        ("payment", {"amount": Decimal("20.00"), "payee": "Acme Ltd"}),
        ("payment", {"amount": Decimal("20.00"), "payee": "Acme", "order": 1}),
        ("payment", {"amount": "20.00", "payee": "Acme"}),
    ],
)
def test_any_difference_changes_the_digest(name, details):
    base = confirm.action_digest("payment", {"amount": Decimal("20.00"), "payee": "Acme"})
    assert confirm.action_digest(name, details) != base


def test_the_digest_is_keyed_with_the_secret_key(settings):
    before = confirm.action_digest("delete-account", {"user": 1})
    settings.SECRET_KEY = "another-secret-key-another-secret-key-another-secret-key"
    assert confirm.action_digest("delete-account", {"user": 1}) != before


def test_details_take_dates_uuids_lists_and_nesting():
    details = {
        "when": datetime.date(2026, 1, 2),
        "at": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC),
        "id": uuid.UUID(int=1),
        "items": [{"sku": "A", "qty": 2}, ("B", None, True)],
    }
    assert confirm.action_digest("order", details) == confirm.action_digest("order", details)


@pytest.mark.parametrize("details", [{"amount": 20.0}, {1: "one"}, {"x": object()}])
def test_ambiguous_details_are_a_programming_error(details):
    with pytest.raises(TypeError):
        confirm.action_digest("payment", details)


def test_the_description_becomes_one_safe_line():
    assert confirm.plain_description("payment of\n€20.00  to Acme") == "payment of €20.00 to Acme"
    # A payee named like an origin-bound line must not give Chrome another code to read.
    line = confirm.plain_description("payment to @evil.example #999999")
    assert line == "payment to (at)evil.example #999999"
    build_message(f"Confirm {line}: 123456", "example.com", "123456")  # raises if not safe
    assert confirm.plain_description("pay@acme.example") == "pay@acme.example"
    long = confirm.plain_description("x" * 500)
    assert len(long) == 80 and long.endswith("...")


# --- the API -------------------------------------------------------------------------------


def test_request_sends_the_action_in_words(http_request, alice):
    result = confirm.request(http_request, payment())
    assert result.challenge is not None and not result.delivery_error
    message = last_message(PHONE)
    code = last_code(PHONE)
    assert message.body == (
        f"Confirm payment of €20.00 to Acme on Example: {code}\n\n@testserver #{code}"
    )
    challenge = Challenge.objects.get()
    assert challenge.purpose == Purpose.CONFIRM
    assert challenge.user == alice
    assert challenge.action_digest == payment().digest
    assert challenge.action_description == "payment of €20.00 to Acme"


def test_verify_confirms_that_action_once(http_request):
    confirm.request(http_request, payment())
    code = last_code(PHONE)
    first = confirm.verify(http_request, payment(), code)
    assert first.confirmed and first.verdict is Verdict.VERIFIED
    again = confirm.verify(http_request, payment(), code)
    assert not again.confirmed and again.verdict is Verdict.USED


def test_the_code_confirms_no_other_action(http_request):
    confirm.request(http_request, payment("20.00"))
    code = last_code(PHONE)
    other = confirm.verify(http_request, payment("2000.00", "Mallory"), code)
    assert other.verdict is None and not other.confirmed
    assert Challenge.objects.get().attempts == 0  # not even judged
    assert confirm.verify(http_request, payment("20.00"), code).confirmed


def test_a_challenge_moved_to_another_action_still_refuses_the_code(http_request):
    """Defence in depth: the digest is in the code, not only compared in the session."""
    confirm.request(http_request, payment("20.00"))
    code = last_code(PHONE)
    Challenge.objects.update(action_digest=payment("2000.00", "Mallory").digest)
    moved = confirm.verify(http_request, payment("2000.00", "Mallory"), code)
    assert moved.verdict is Verdict.WRONG


def test_asking_again_for_the_same_action_sends_nothing_new(http_request):
    first = confirm.request(http_request, payment())
    second = confirm.request(http_request, payment())
    assert second.challenge == first.challenge
    assert len(sms.outbox) == 1


def test_a_new_action_replaces_the_pending_one(http_request):
    confirm.request(http_request, payment("20.00"))
    old_code = last_code(PHONE)
    confirm.request(http_request, payment("45.50"))
    assert len(sms.outbox) == 2
    assert confirm.verify(http_request, payment("20.00"), old_code).verdict is None


def test_no_phone_no_code(carol):
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = carol
    result = confirm.request(request, payment())
    assert result.refusal.message == "Add a phone number to your account to confirm this."
    assert sms.outbox == []


def test_a_signed_out_visitor_can_confirm_to_a_given_number(db):
    """Guest checkout: the number comes from the order, the session binds the code."""
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    confirm.request(request, payment(), phone=NEW_PHONE)
    assert Challenge.objects.get().user is None
    assert confirm.verify(request, payment(), last_code(NEW_PHONE)).confirmed


def test_another_session_cannot_use_the_code(http_request, alice):
    confirm.request(http_request, payment())
    other = RequestFactory().post("/")
    other.session = SessionStore()
    other.user = alice
    assert confirm.verify(other, payment(), last_code(PHONE)).verdict is None


def test_resend_needs_a_pending_confirmation(http_request, settings):
    assert confirm.resend(http_request, payment()) is None
    confirm.request(http_request, payment())
    settings.WEBOTP_RESEND_COOLDOWN = 0
    result = confirm.resend(http_request, payment())
    assert result is not None and result.challenge is not None
    assert len(sms.outbox) == 2
    assert confirm.verify(http_request, payment(), last_code(PHONE)).confirmed


def test_verify_is_rate_limited(http_request, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "1/h"
    confirm.request(http_request, payment())
    confirm.verify(http_request, payment(), "000000")
    limited = confirm.verify(http_request, payment(), last_code(PHONE))
    assert limited.refusal is not None and not limited.confirmed


def test_a_task_worker_writes_the_same_sms(
    http_request, settings, django_capture_on_commit_callbacks
):
    settings.WEBOTP_DELIVERY = "task"
    settings.WEBOTP_DOMAIN = "testserver"
    with django_capture_on_commit_callbacks(execute=True):
        confirm.request(http_request, payment())
    assert last_message(PHONE).body.startswith("Confirm payment of €20.00 to Acme on Example: ")


# --- the decorator, on the example's fake payment ------------------------------------------


def test_pay_asks_for_a_code_that_names_the_payment(signed_in):
    sms.outbox.clear()
    page = signed_in.post(PAY, {"amount": "20.00"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are about to confirm: payment of €20.00 to Acme Coffee." in html
    assert "ending in 56" in html
    assert '<input type="hidden" name="amount" value="20.00">' in html
    assert 'name="webotp-code"' in html and "data-webotp-form" in html
    code = last_code(PHONE)
    assert last_message(PHONE).body.startswith(
        f"Confirm payment of €20.00 to Acme Coffee on Example: {code}"
    )
    assert parse_origin_bound_message(last_message(PHONE).body).code == code


def confirm_payment(client, amount="20.00", code=None):
    return client.post(
        PAY, {"amount": amount, "webotp-step": "code", "webotp-code": code or last_code(PHONE)}
    )


def test_the_right_code_runs_the_view_once(signed_in):
    signed_in.post(PAY, {"amount": "20.00"})
    paid = confirm_payment(signed_in)
    assert paid.status_code == 200
    assert b"Paid \xe2\x82\xac20.00 to Acme Coffee." in paid.content
    replay = confirm_payment(signed_in)
    assert replay.status_code == 400
    assert b"This code has already been used." in replay.content
    assert b"Paid" not in replay.content


def test_a_changed_amount_is_not_paid(signed_in):
    """The code was sent for €20.00; the form comes back saying €45.50."""
    signed_in.post(PAY, {"amount": "20.00"})
    tampered = confirm_payment(signed_in, amount="45.50")
    assert tampered.status_code == 400
    assert b"These details are not the ones your code was sent for." in tampered.content
    assert b"Paid" not in tampered.content
    assert Challenge.objects.get(purpose=Purpose.CONFIRM).attempts == 0
    assert confirm_payment(signed_in, amount="20.00").status_code == 200  # the real one still can


def test_a_wrong_code_says_how_many_attempts_are_left(signed_in):
    signed_in.post(PAY, {"amount": "20.00"})
    code = last_code(PHONE)
    response = confirm_payment(signed_in, code=wrong_code(code))
    assert response.status_code == 400
    assert b"You have 4 attempts left." in response.content
    malformed = confirm_payment(signed_in, code="12")
    assert malformed.status_code == 400 and b"The code has 6 digits." in malformed.content


def test_resend_from_the_confirmation_page(signed_in, settings):
    signed_in.post(PAY, {"amount": "20.00"})
    assert signed_in.post(PAY, {"amount": "20.00", "webotp-step": "resend"}).status_code == 429
    settings.WEBOTP_RESEND_COOLDOWN = 0
    again = signed_in.post(PAY, {"amount": "20.00", "webotp-step": "resend"})
    assert again.status_code == 200 and b"We sent a new code." in again.content
    assert confirm_payment(signed_in).status_code == 200


def test_resend_with_nothing_pending_starts_over(signed_in):
    sms.outbox.clear()
    response = signed_in.post(PAY, {"amount": "20.00", "webotp-step": "resend"})
    assert response.status_code == 200
    assert len(sms.outbox) == 1


def test_get_and_invalid_posts_go_straight_to_the_view(signed_in):
    assert b"Order #1042" in signed_in.get(PAY).content
    invalid = signed_in.post(PAY, {"amount": "1000000.00"})
    assert invalid.status_code == 400 and b"Choose an amount." in invalid.content


def test_signed_out_visitors_go_to_the_login_page(client):
    assert client.post(PAY, {"amount": "20.00"})["Location"] == f"/login/?next={PAY}"


def test_confirmation_limits_and_failures(signed_in, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    assert signed_in.post(PAY, {"amount": "20.00"}).status_code == 424
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.locmem.SmsBackend"
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "1/h"
    signed_in.post(PAY, {"amount": "45.50"})
    confirm_payment(signed_in, amount="45.50", code="12")
    assert confirm_payment(signed_in, amount="45.50").status_code == 429
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "30/10m"
    settings.WEBOTP_RATELIMIT_IP = "0/h"
    assert signed_in.post(PAY, {"amount": "20.00"}).status_code == 429


def test_an_account_without_a_phone_is_told_what_to_do(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    password_login(client, "carol")
    response = client.post(PAY, {"amount": "20.00"})
    assert response.status_code == 400
    assert b"Add a phone number to your account to confirm this." in response.content


def test_the_longest_description_still_fits_one_sms(http_request):
    from django_webotp.sms_format import sms_segments

    long = confirm.Action("transfer", {"to": "x"}, description="transfer to " + "x" * 300)
    confirm.request(http_request, long)
    assert sms_segments(last_message(PHONE).body) == 1


def test_the_confirmation_page_is_never_stored(signed_in):
    """It echoes the posted fields (an amount, a payee) in hidden inputs."""
    pages = [
        signed_in.post(PAY, {"amount": "20.00"}),  # the code was sent
        confirm_payment(signed_in, code="12"),  # not a code
        signed_in.post(PAY, {"amount": "20.00", "webotp-step": "resend"}),  # 429: too soon
    ]
    assert [page.status_code for page in pages] == [200, 400, 429]
    for page in pages[:2]:
        assert '<input type="hidden" name="amount" value="20.00">' in page.content.decode()
    for page in pages:
        assert "no-store" in page["Cache-Control"], page.status_code
        assert "private" in page["Cache-Control"]
