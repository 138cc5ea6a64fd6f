"""After a phone change the account goes by its new number: the pages name it as people read
it, and an account named after its old number (as a phone sign-up names it) is renamed, so the
password sign-in takes the number the person has now."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import Client

from django_webotp import backends, signals
from django_webotp.backends import signup
from django_webotp.testing import last_code
from tests.support.accounts import NEW_PHONE, PHONE, PHONE_PAGE, PHONE_VERIFY
from tests.support.signin import VERIFY, start
from tests.support.users import PASSWORD, make_user

HOME = "/"

# Committed as in production (autocommit): the rename shares the phone change's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_by_phone(client: Client, number: str = PHONE) -> None:
    start(client, number)
    response = client.post(VERIFY, {"code": last_code(number)})
    assert response.status_code == 302, response.content


def change_number(client: Client, number: str = NEW_PHONE) -> list[dict]:
    """Ask for ``number`` on the phone page and enter its code; the phone_changed signals."""
    changes: list[dict] = []
    signals.phone_changed.connect(lambda **kw: changes.append(kw), weak=False)
    try:
        assert client.post(PHONE_PAGE, {"phone_number": number}).status_code == 302
        assert client.post(PHONE_VERIFY, {"code": last_code(number)}).status_code == 302
    finally:
        signals.phone_changed.receivers.clear()
    return changes


def reloaded(user):
    return get_user_model()._default_manager.get(pk=user.pk)


def numbers_of(user) -> list[str]:
    return [str(n) for n in user.phone_identities.values_list("phone_number", flat=True)]


@pytest.fixture
def phoned(client):
    """An account a phone sign-up made (named after its number), with a password set since,
    signed in by phone."""
    user = signup(PHONE)
    assert user.get_username() == PHONE
    user.set_password(PASSWORD)
    user.save()
    sign_in_by_phone(client)
    return user


def test_the_phone_pages_show_numbers_as_people_read_them(client, phoned):
    page = client.get(PHONE_PAGE).content.decode()
    assert "Your phone number is 07400 123456." in page
    assert PHONE not in page
    client.post(PHONE_PAGE, {"phone_number": NEW_PHONE})
    page = client.get(PHONE_VERIFY).content.decode()
    assert "We sent a code by SMS to 07400 111222." in page
    assert NEW_PHONE not in page


def test_an_account_named_after_its_number_follows_the_new_number(client, phoned):
    changes = change_number(client)

    assert numbers_of(phoned) == [NEW_PHONE]
    assert reloaded(phoned).get_username() == NEW_PHONE
    assert [c["username_changed"] for c in changes] == [True]
    # Django's password sign-in takes the number the person has now, and no longer the old one.
    assert authenticate(None, username=NEW_PHONE, password=PASSWORD) == phoned
    assert authenticate(None, username=PHONE, password=PASSWORD) is None
    # The session stays signed in, and its page names the new number, as people read it.
    home = client.get(HOME).content.decode()
    assert "Signed in as <strong>07400 111222</strong>." in home
    assert PHONE not in home and "07400 123456" not in home


def test_the_name_a_sign_up_got_when_its_number_was_taken_follows_too(client, phoned):
    """create_user names an account "+44...-a1b2c3" when another already has the number."""
    get_user_model()._default_manager.filter(pk=phoned.pk).update(
        **{get_user_model().USERNAME_FIELD: f"{PHONE}-a1b2c3"}
    )
    changes = change_number(client)
    assert reloaded(phoned).get_username() == NEW_PHONE
    assert [c["username_changed"] for c in changes] == [True]
    assert authenticate(None, username=NEW_PHONE, password=PASSWORD) == phoned


def test_a_name_another_account_has_is_left_and_the_change_stands(client, phoned, caplog):
    other = make_user(NEW_PHONE, password="other-password")  # named so by hand, no phone
    caplog.set_level(logging.WARNING, logger="django_webotp")

    changes = change_number(client)

    assert numbers_of(phoned) == [NEW_PHONE]  # the change is whole
    assert reloaded(phoned).get_username() == PHONE  # the name it could not take is not taken
    assert reloaded(other).get_username() == NEW_PHONE  # and the other account is untouched
    assert authenticate(None, username=NEW_PHONE, password="other-password") == other
    assert authenticate(None, username=PHONE, password=PASSWORD) == phoned
    assert [c["username_changed"] for c in changes] == [False]
    [warning] = [r.getMessage() for r in caplog.records if "keeps its old" in r.getMessage()]
    assert f"User {phoned.pk} keeps its old phone number" in warning
    assert PHONE not in warning and NEW_PHONE not in warning  # no number in the logs
    assert "Signed in as <strong>07400 123456</strong>." in client.get(HOME).content.decode()


def test_a_name_taken_a_moment_ago_is_left_and_the_change_stands(
    client, phoned, caplog, monkeypatch
):
    """Another request named an account after the number between the check and the rename:
    the database's unique username refuses the rename, and only the rename."""
    other = make_user(NEW_PHONE, password="other-password")
    monkeypatch.setattr(backends, "name_taken", lambda username: False)  # the check came first
    caplog.set_level(logging.WARNING, logger="django_webotp")

    changes = change_number(client)

    assert numbers_of(phoned) == [NEW_PHONE]
    assert reloaded(phoned).get_username() == PHONE
    assert reloaded(other).get_username() == NEW_PHONE
    assert [c["username_changed"] for c in changes] == [False]
    assert any("keeps its old phone number" in r.getMessage() for r in caplog.records)
    assert client.get(HOME).status_code == 200  # still signed in, no error


def test_a_name_that_is_not_the_number_is_left_alone(signed_in, alice):
    """A typed username ("alice"; an e-mail address on a site that signs in by e-mail)."""
    changes = change_number(signed_in)

    assert numbers_of(alice) == [NEW_PHONE]
    assert reloaded(alice).get_username() == "alice"
    assert [c["username_changed"] for c in changes] == [False]
    assert authenticate(None, username="alice", password=PASSWORD) == alice
    assert "Signed in as <strong>alice</strong>." in signed_in.get(HOME).content.decode()
