"""Challenge.verify() when another request got there first, played out step by step in-process.

Two instances of one challenge stand for two requests that loaded it at the same time; the
real multi-process proofs are in tests/concurrency/ (PostgreSQL).
"""

import pytest

from django_webotp import signals
from django_webotp.flows import challenges
from django_webotp.models import Challenge, Verdict
from tests.support.codes import wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_twice():
    challenge = Challenge.objects.issue("+447911123456", ttl=300, max_attempts=3, code_length=6)
    return Challenge.objects.get(pk=challenge.pk), Challenge.objects.get(pk=challenge.pk)


@pytest.fixture
def locked_signals():
    seen = []

    def receiver(**kwargs):
        seen.append(kwargs["challenge"].pk)

    signals.challenge_locked.connect(receiver)
    yield seen
    signals.challenge_locked.disconnect(receiver)


def test_a_guess_that_lost_the_race_is_judged_as_the_next_attempt(loaded_twice):
    first, second = loaded_twice
    assert first.verify(wrong_code(first.make_code())) is Verdict.WRONG
    assert second.attempts == 0  # stale: it has not seen the first guess
    assert second.verify(wrong_code(second.make_code())) is Verdict.WRONG
    assert second.attempt_counted
    assert second.attempts_left == 1  # its own place, not the stale count
    assert Challenge.objects.get().attempts == 2


def test_a_guess_that_finds_the_challenge_locked_counts_nothing(loaded_twice, locked_signals):
    first, second = loaded_twice
    for _ in range(3):
        challenges.verify(None, first, wrong_code(first.make_code()))
    assert locked_signals == [first.pk]
    assert challenges.verify(None, second, wrong_code(second.make_code())) is Verdict.LOCKED
    assert not second.attempt_counted
    assert locked_signals == [first.pk]  # locked once, announced once
    assert Challenge.objects.get().attempts == 3


def test_the_right_code_after_a_concurrent_use_is_already_used(loaded_twice):
    first, second = loaded_twice
    assert first.verify(first.make_code()) is Verdict.VERIFIED
    assert second.verify(second.make_code()) is Verdict.USED
    assert not second.attempt_counted
    assert Challenge.objects.get().attempts == 1


def test_the_right_code_still_wins_after_a_concurrent_wrong_guess(loaded_twice):
    first, second = loaded_twice
    assert first.verify(wrong_code(first.make_code())) is Verdict.WRONG
    assert second.verify(second.make_code()) is Verdict.VERIFIED
    assert Challenge.objects.get().attempts == 2
