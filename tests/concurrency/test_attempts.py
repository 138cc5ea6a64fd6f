"""Attempts: 64 wrong guesses at once against one challenge; exactly MAX_ATTEMPTS are judged.

Each judged guess is one whose conditional UPDATE counted it. The server reports them through
the app's own signals (code_rejected "wrong" for a counted wrong guess that left attempts,
challenge_locked for the one that used the last), counted in Redis by the test-only recorder.
"""

from django_webotp.models import Challenge

from .harness import MARKS, all_at_once

pytestmark = MARKS

PHONE = "+447911123457"
GUESSES = 64
MAX_ATTEMPTS = 5  # the app's default, which the server keeps
LOCKED = "Too many wrong codes. Request a new code."


def test_concurrent_wrong_guesses_are_counted_exactly(threaded_server, redis_db):
    browser = threaded_server.browser()
    assert browser.post("/login/", {"phone_number": PHONE}).status == 302
    challenge = Challenge.objects.open().get(phone_number=PHONE)
    right = challenge.make_code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    tabs = [browser.clone() for _ in range(GUESSES)]
    answers = all_at_once(
        [lambda tab=tab: tab.post("/login/verify/", {"code": wrong}) for tab in tabs]
    )

    assert not [a for a in answers if isinstance(a, Exception)]
    assert {a.status for a in answers} == {400}  # no 500, nobody signed in
    challenge.refresh_from_db()
    assert challenge.attempts == MAX_ATTEMPTS

    # The judged guesses: each wrong-but-not-last one saw its own place in the count...
    left = sorted(
        int(a.body.split("You have ")[1].split(" attempt")[0])
        for a in answers
        if "That code is not right" in a.body
    )
    assert left == [1, 2, 3, 4]
    # ...and every other answer is the locked message: the last judged guess and the 59 that
    # found the challenge locked.
    assert sum(LOCKED in a.body for a in answers) == GUESSES - 4

    heard = int(redis_db.get(f"proof:{challenge.pk}:rejected:locked") or 0)
    wrong_judged = int(redis_db.get(f"proof:{challenge.pk}:rejected:wrong") or 0)
    locked_now = int(redis_db.get(f"proof:{challenge.pk}:locked:locked") or 0)
    assert heard == GUESSES - 4  # the recorder heard every answer the server gave
    assert wrong_judged == 4
    assert locked_now == 1  # exactly one guess used the last attempt
    assert wrong_judged + locked_now == challenge.attempts
