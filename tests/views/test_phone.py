"""Adding or changing a phone number: verified first, the old one told, no account enumeration."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from django_webotp import signals, sms
from django_webotp.flows import phone_change, reauth
from django_webotp.models import Challenge, PhoneIdentity, Purpose
from django_webotp.phone import display_number
from django_webotp.sms_format import parse_origin_bound_message
from django_webotp.testing import last_code, last_message
from tests.support.accounts import (
    NEW_PHONE,
    OTHER_PHONE,
    PHONE,
    PHONE_PAGE,
    PHONE_VERIFY,
    finish_two_factor,
    password_login,
)
from tests.support.codes import wrong_code

ACCOUNT = "/account/"


# Committed as in production (autocommit), so the notices and queued sends that wait for the
# commit really go out.
pytestmark = pytest.mark.django_db(transaction=True)


def ask(client: Client, number: str, next_url: str = ACCOUNT):
    return client.post(PHONE_PAGE, {"phone_number": number, "next": next_url})


def enter(client: Client, code: str, next_url: str = ACCOUNT):
    return client.post(PHONE_VERIFY, {"code": code, "next": next_url})


def numbers_of(user) -> list[str]:
    return sorted(str(n) for n in user.phone_identities.values_list("phone_number", flat=True))


def test_change_verifies_the_new_number_then_replaces_the_old_one(signed_in, alice):
    changes = []
    signals.phone_changed.connect(lambda **kw: changes.append(kw), weak=False)
    try:
        page = signed_in.get(PHONE_PAGE)
        assert b"Change your phone number" in page.content
        asked = ask(signed_in, NEW_PHONE)
        assert asked.status_code == 302
        assert asked["Location"] == f"{PHONE_VERIFY}?next={ACCOUNT}"
        code = last_code(NEW_PHONE)
        body = last_message(NEW_PHONE).body
        assert body.startswith(f"{code} is your code to add this number to your Example account.")
        assert Challenge.objects.get(phone_number=NEW_PHONE).purpose == Purpose.PHONE_CHANGE
        assert numbers_of(alice) == [PHONE]  # nothing changes before the code

        done = enter(signed_in, code)
        assert done.status_code == 302 and done["Location"] == ACCOUNT
    finally:
        signals.phone_changed.receivers.clear()
    assert numbers_of(alice) == [NEW_PHONE]
    notice = last_message(PHONE)
    assert "phone number was changed to a number ending in 22" in notice.body
    assert parse_origin_bound_message(notice.body) is None  # no code in a notice
    assert [(c["user"], c["phone_number"], c["old_numbers"]) for c in changes] == [
        (alice, NEW_PHONE, [PHONE])
    ]
    assert "Your phone number is now 07400 111222." in signed_in.get(ACCOUNT).content.decode()


def test_adding_a_first_number_sends_no_notice(client, carol, settings):
    settings.WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "allow"
    password_login(client, "carol")
    assert b"Add a phone number" in client.get(PHONE_PAGE).content
    ask(client, NEW_PHONE)
    enter(client, last_code(NEW_PHONE))
    assert numbers_of(carol) == [NEW_PHONE]
    assert [m.to for m in sms.outbox] == [NEW_PHONE]


def test_a_password_session_proves_the_current_phone_first(client, alice):
    """On a site using no 2FA at all, replacing the phone still needs the phone it replaces."""
    password_login(client)
    response = client.get(PHONE_PAGE)
    assert response["Location"] == f"/login/two-factor/?next={PHONE_PAGE}"


def test_a_wrong_code_changes_nothing(signed_in, alice):
    ask(signed_in, NEW_PHONE)
    response = enter(signed_in, wrong_code(last_code(NEW_PHONE)))
    assert response.status_code == 400
    assert b"You have 4 attempts left." in response.content
    assert numbers_of(alice) == [PHONE]


def test_own_number_is_refused_plainly(signed_in):
    response = ask(signed_in, PHONE)
    assert response.status_code == 400
    assert b"This is already your phone number." in response.content


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12", b"Enter a valid phone number"),
        ("+442079460000", b"Please use a mobile number"),  # a London landline
    ],
)
def test_numbers_that_cannot_receive_codes_are_refused(signed_in, number, message):
    response = ask(signed_in, number)
    assert response.status_code == 400
    assert message in response.content


def test_signed_out_visitors_go_to_the_login_page(client):
    assert client.get(PHONE_PAGE)["Location"] == f"/login/?next={PHONE_PAGE}"
    assert client.get(PHONE_VERIFY)["Location"] == f"/login/?next={PHONE_VERIFY}"


def test_the_code_page_without_a_request_goes_back_to_the_number(signed_in):
    assert signed_in.get(PHONE_VERIFY)["Location"] == PHONE_PAGE
    response = enter(signed_in, "123456")
    assert response.status_code == 400
    assert b"Your code request has expired." in response.content
    assert b'name="phone_number"' in response.content
    assert signed_in.post(PHONE_VERIFY, {"step": "resend"})["Location"] == f"{PHONE_PAGE}"


def test_resend_for_the_new_number(signed_in, alice, settings):
    ask(signed_in, NEW_PHONE)
    assert signed_in.post(PHONE_VERIFY, {"step": "resend"}).status_code == 429
    settings.WEBOTP_RESEND_COOLDOWN = 0
    assert signed_in.post(PHONE_VERIFY, {"step": "resend"}).status_code == 302
    assert b"We sent a new code." in signed_in.get(PHONE_VERIFY).content
    enter(signed_in, last_code(NEW_PHONE))
    assert numbers_of(alice) == [NEW_PHONE]


def test_a_failed_sms_says_so(signed_in, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    response = ask(signed_in, NEW_PHONE)
    assert response.status_code == 424


def test_requests_are_rate_limited(signed_in, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    ask(signed_in, NEW_PHONE)
    assert ask(signed_in, NEW_PHONE).status_code == 429


def test_sign_up_off_still_texts_a_number_being_added(signed_in, alice, settings):
    settings.WEBOTP_SIGNUP = False
    ask(signed_in, NEW_PHONE)
    enter(signed_in, last_code(NEW_PHONE))
    assert numbers_of(alice) == [NEW_PHONE]


# --- a number another account holds ----------------------------------------------------------


def visible(response) -> str:
    """The page a person sees, with the number they typed and the CSRF token taken out."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    for number in (OTHER_PHONE, NEW_PHONE):
        text = text.replace(number, "NUMBER").replace(display_number(number), "NUMBER")
    return text


COUNTDOWN = re.compile(r"\(available in (\d+) seconds?\)")


def countdown(page: str) -> int:
    return int(COUNTDOWN.search(page).group(1))


def without_countdown(page: str) -> str:
    page = re.sub(r'data-webotp-countdown="\d+"', 'data-webotp-countdown="N"', page)
    return COUNTDOWN.sub("(available in N seconds)", page)


def test_a_taken_number_looks_exactly_like_a_free_one(alice, bob):
    free, taken = Client(), Client()
    finish_two_factor(free)
    finish_two_factor(taken)
    sms.outbox.clear()

    asked_free, asked_taken = ask(free, NEW_PHONE), ask(taken, OTHER_PHONE)
    assert (asked_free.status_code, asked_free["Location"]) == (
        asked_taken.status_code,
        asked_taken["Location"],
    )
    free_page, taken_page = visible(free.get(PHONE_VERIFY)), visible(taken.get(PHONE_VERIFY))
    # The resend countdowns run on the real clock from two moments a few milliseconds apart: a
    # second boundary between them may put them one apart, never more.
    assert abs(countdown(free_page) - countdown(taken_page)) <= 1
    assert without_countdown(free_page) == without_countdown(taken_page)

    guess_free = enter(free, wrong_code(last_code(NEW_PHONE)))
    # Even the code the challenge would have had is refused: none was ever sent.
    taken_challenge = Challenge.objects.get(phone_number=OTHER_PHONE)
    guess_taken = enter(taken, taken_challenge.make_code())
    assert guess_free.status_code == guess_taken.status_code == 400
    assert visible(guess_free) == visible(guess_taken)
    assert b"You have 4 attempts left." in guess_taken.content
    assert b"bob" not in guess_taken.content

    assert numbers_of(bob) == [OTHER_PHONE]
    assert numbers_of(alice) == [PHONE]


def test_the_taken_numbers_sms_says_so_and_carries_no_code(signed_in, bob):
    ask(signed_in, OTHER_PHONE)
    message = last_message(OTHER_PHONE)
    assert "already in use" in message.body
    assert parse_origin_bound_message(message.body) is None
    assert "bob" not in message.body and "alice" not in message.body


def test_a_taken_number_locks_like_any_other(signed_in, bob, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 2
    ask(signed_in, OTHER_PHONE)
    enter(signed_in, "123456")
    response = enter(signed_in, "123456")
    assert b"Too many wrong codes." in response.content


def proven_request(user, anonymous: bool = False):
    """A request whose session has just re-authenticated ``user`` (the phone page's proof)."""
    request = RequestFactory().post("/")
    request.user = AnonymousUser() if anonymous else user
    request.session = SessionStore()
    reauth.mark(request, user, method="password")
    return request


def test_a_number_taken_meanwhile_is_not_stolen(alice, bob):
    request = proven_request(alice)
    challenge = Challenge.objects.issue(
        NEW_PHONE, Purpose.PHONE_CHANGE, ttl=300, max_attempts=5, code_length=6, user=alice
    )
    PhoneIdentity.objects.create(user=bob, phone_number=NEW_PHONE)
    assert phone_change.complete(request, alice, challenge) is False
    assert numbers_of(alice) == [PHONE]
    assert numbers_of(bob) == sorted([OTHER_PHONE, NEW_PHONE])


def test_completing_with_the_number_already_yours_keeps_it(alice):
    request = proven_request(alice, anonymous=True)
    challenge = Challenge.objects.issue(
        PHONE, Purpose.PHONE_CHANGE, ttl=300, max_attempts=5, code_length=6, user=alice
    )
    assert phone_change.complete(request, alice, challenge) is True
    assert numbers_of(alice) == [PHONE]
    assert sms.outbox == []


def test_the_race_shows_a_plain_refusal(signed_in, alice, bob, monkeypatch):
    ask(signed_in, NEW_PHONE)
    monkeypatch.setattr(phone_change, "complete", lambda request, user, challenge: False)
    response = enter(signed_in, last_code(NEW_PHONE))
    assert response.status_code == 400
    assert b"This number could not be added. Try another number." in response.content


# --- the notice to the old number ------------------------------------------------------------


def test_a_notice_that_fails_is_logged_and_the_change_stands(signed_in, alice, settings, caplog):
    ask(signed_in, NEW_PHONE)
    code = last_code(NEW_PHONE)
    # The code went out already; only the notice meets the failing provider.
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        assert enter(signed_in, code).status_code == 302
    assert numbers_of(alice) == [NEW_PHONE]
    assert "Could not send a notice SMS to +447…56: provider timed out" in caplog.text


def test_no_notice_to_a_test_number(signed_in, alice, settings, caplog):
    settings.WEBOTP_TEST_NUMBERS = {PHONE: "123456"}
    sms.outbox.clear()
    ask(signed_in, NEW_PHONE)
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        enter(signed_in, last_code(NEW_PHONE))
    assert [m.to for m in sms.outbox] == [NEW_PHONE]
    assert "phone number replaced, no notice sent" in caplog.text


def test_queued_delivery_queues_the_notice_too(signed_in, alice, settings):
    settings.WEBOTP_DELIVERY = "task"
    ask(signed_in, NEW_PHONE)  # the immediate task backend sends during the request
    enter(signed_in, last_code(NEW_PHONE))
    assert numbers_of(alice) == [NEW_PHONE]
    assert "was changed" in last_message(PHONE).body


def test_queued_delivery_sends_the_taken_notice(signed_in, bob, settings):
    settings.WEBOTP_DELIVERY = "task"
    ask(signed_in, OTHER_PHONE)
    assert "already in use" in last_message(OTHER_PHONE).body


def test_a_queue_that_is_down_sends_the_notice_now(signed_in, alice, settings, monkeypatch):
    from django_webotp.delivery import tasks

    ask(signed_in, NEW_PHONE)
    settings.WEBOTP_DELIVERY = "task"

    class Down:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "send_notice", Down())
    enter(signed_in, last_code(NEW_PHONE))
    assert "was changed" in last_message(PHONE).body
