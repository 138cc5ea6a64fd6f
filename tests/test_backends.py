"""The authentication backend accepts only a sign-in challenge used up moments ago."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.utils import timezone

from django_webotp.backends import PhoneOTPBackend, create_user, named_after, signup
from django_webotp.models import Challenge, PhoneIdentity
from tests.support.users import make_user

pytestmark = pytest.mark.django_db
PHONE = "+447911123456"


def consumed(purpose="login", **fields):
    challenge = Challenge.objects.issue(PHONE, purpose, ttl=300, max_attempts=5, code_length=6)
    challenge.verify(challenge.make_code())
    for name, value in fields.items():
        setattr(challenge, name, value)
    return challenge


def test_authenticates_a_consumed_challenge_and_signs_up():
    user = authenticate(None, webotp_challenge=consumed())
    assert user is not None
    assert PhoneIdentity.objects.get(phone_number=PHONE).user == user
    assert user.get_username() == PHONE


def test_refuses_what_is_not_a_fresh_consumed_sign_in_challenge():
    backend = PhoneOTPBackend()
    pending = Challenge.objects.issue(PHONE, "login", ttl=300, max_attempts=5, code_length=6)
    assert backend.authenticate(None, webotp_challenge=pending) is None
    assert backend.authenticate(None, webotp_challenge=None) is None
    assert backend.authenticate(None, webotp_challenge="not a challenge") is None
    assert backend.authenticate(None, username="x", password="y") is None
    assert backend.authenticate(None, webotp_challenge=consumed(purpose="other")) is None
    old = consumed(consumed_at=timezone.now() - timedelta(minutes=10))
    assert backend.authenticate(None, webotp_challenge=old) is None
    assert not PhoneIdentity.objects.exists()


def test_async_authenticate_accepts_what_the_sync_one_does():
    challenge = consumed()
    user = async_to_sync(aauthenticate)(None, webotp_challenge=challenge)
    assert user is not None
    assert user == authenticate(None, webotp_challenge=challenge)  # signed up once, found again
    assert PhoneIdentity.objects.get(phone_number=PHONE).user == user
    assert user.backend == "django_webotp.backends.PhoneOTPBackend"


def test_async_authenticate_refuses_what_the_sync_one_refuses():
    pending = Challenge.objects.issue(PHONE, "login", ttl=300, max_attempts=5, code_length=6)
    old = consumed(consumed_at=timezone.now() - timedelta(minutes=10))
    for challenge in (pending, old, None, "not a challenge"):
        assert async_to_sync(aauthenticate)(None, webotp_challenge=challenge) is None
    assert not PhoneIdentity.objects.exists()


def test_no_signup_when_it_is_off(settings):
    settings.WEBOTP_SIGNUP = False
    assert authenticate(None, webotp_challenge=consumed()) is None


def test_default_create_user_avoids_a_taken_username():
    make_user(PHONE)
    user = create_user(PHONE)
    assert user.get_username().startswith(PHONE + "-")
    assert not user.has_usable_password()


def test_signup_race_returns_the_winner_and_leaves_no_orphan_user(django_user_model):
    winner = make_user("winner")
    PhoneIdentity.objects.create(
        user=winner, phone_number=PHONE, can_sign_in=True
    )  # the other request won
    assert signup(PHONE) == winner
    assert list(django_user_model.objects.all()) == [winner]  # our new user was rolled back


def test_custom_create_user_setting(settings):
    settings.WEBOTP_CREATE_USER = "tests.test_backends.make_named_user"
    user = authenticate(None, webotp_challenge=consumed())
    assert user.get_username() == "custom-" + PHONE[-4:]


def make_named_user(phone_number):
    return make_user("custom-" + phone_number[-4:])


@pytest.mark.parametrize(
    ("username", "named"),
    [
        (PHONE, True),
        (f"{PHONE}-a1b2c3", True),  # create_user's name when the number's was taken
        (f"{PHONE}-a1b2c", False),
        (f"{PHONE}-a1b2c3-ffffff", False),
        (f"{PHONE}x", False),
        ("+447911123457", False),  # another number
        ("alice", False),
    ],
)
def test_named_after_knows_the_names_create_user_gives(username, named):
    assert named_after(username, [PHONE]) is named


def test_a_sign_up_named_after_its_number_is_recognised_as_such():
    user = create_user(PHONE)
    twin = create_user(PHONE)  # the name is taken: a suffix
    assert named_after(user.get_username(), [PHONE]) and named_after(twin.get_username(), [PHONE])
