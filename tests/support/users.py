"""Users for the tests, under whichever user model the run uses (WEBOTP_TEST_USER_MODEL)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"


def make_user(username: str = "alice", *, password: str | None = PASSWORD, **fields):
    """A saved user whose USERNAME_FIELD is ``username``, with ``password`` (None: unusable)."""
    User = get_user_model()
    user = User(**{User.USERNAME_FIELD: username, **fields})
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def username_field() -> str:
    """The field a site's users sign in with (``username``, ``email``...)."""
    return get_user_model().USERNAME_FIELD
