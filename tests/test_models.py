"""The challenge model: issue, status, verify (single use, attempts), never storing the code."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from django_webotp.models import Challenge, DeliveryStatus, PhoneIdentity, Status, Verdict
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db
PHONE = "+447911123456"


def issue(**kwargs):
    options = {"ttl": 300, "max_attempts": 3, "code_length": 6, **kwargs}
    return Challenge.objects.issue(PHONE, "login", **options)


def test_issue_replaces_the_open_challenge():
    first = issue()
    second = issue()
    first.refresh_from_db()
    assert first.status == Status.INVALIDATED
    assert second.status == Status.PENDING
    assert list(Challenge.objects.pending()) == [second]


def test_the_database_never_holds_the_code():
    challenge = issue()
    code = challenge.make_code()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM django_webotp_challenge")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert code not in row.replace("-", "")


def test_verify_uses_the_challenge_once():
    challenge = issue()
    code = challenge.make_code()
    assert challenge.verify(code) is Verdict.VERIFIED
    assert challenge.verify(code) is Verdict.USED
    stale_copy = Challenge.objects.get(pk=challenge.pk)
    stale_copy.consumed_at = None  # as if read before the first submit committed
    assert stale_copy.verify(code) is Verdict.USED


def test_stale_copy_cannot_slip_a_guess_past_the_limit():
    challenge = issue(max_attempts=2)
    stale = Challenge.objects.get(pk=challenge.pk)
    assert challenge.verify(wrong_code(challenge.make_code())) is Verdict.WRONG
    assert challenge.verify(wrong_code(challenge.make_code())) is Verdict.LOCKED
    # A request that loaded the row before those two guesses still sees attempts=0 in memory.
    assert stale.attempts == 0
    assert stale.verify(stale.make_code()) is Verdict.LOCKED
    assert Challenge.objects.get(pk=challenge.pk).attempts == 2


def test_expired_and_replaced_verdicts():
    challenge = issue()
    Challenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    challenge.refresh_from_db()
    assert challenge.status == Status.EXPIRED
    assert challenge.verify(challenge.make_code()) is Verdict.EXPIRED
    issue()
    challenge.refresh_from_db()
    assert challenge.verify(challenge.make_code()) is Verdict.REPLACED


def test_failed_delivery_closes_the_challenge():
    challenge = issue()
    challenge.mark_failed("timeout: provider did not answer")
    challenge.refresh_from_db()
    assert challenge.status == Status.FAILED
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.verify(challenge.make_code()) is Verdict.UNDELIVERED
    assert not Challenge.objects.open().exists()


def test_expiry_between_load_and_submit_is_caught_by_the_update():
    challenge = issue()
    Challenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # challenge in memory still thinks it is pending
    assert challenge.verify(challenge.make_code()) is Verdict.EXPIRED


@pytest.mark.parametrize("status", list(Status))
def test_with_status_matches_the_computed_status(status):
    now = timezone.now()
    made = {
        Status.PENDING: issue(),
    }
    Challenge.objects.all().delete()
    rows = {
        Status.PENDING: {},
        Status.VERIFIED: {"consumed_at": now},
        Status.EXPIRED: {"expires_at": now - timedelta(seconds=1)},
        Status.LOCKED: {"attempts": 3},
        Status.INVALIDATED: {"invalidated_at": now},
        Status.FAILED: {"delivery_status": DeliveryStatus.FAILED, "invalidated_at": now},
    }
    for index, (name, fields) in enumerate(rows.items()):
        made[name] = Challenge.objects.create(
            phone_number=f"+44791112340{index}",
            purpose="login",
            expires_at=fields.pop("expires_at", now + timedelta(minutes=5)),
            code_length=6,
            max_attempts=3,
            **fields,
        )
    for challenge in made.values():
        assert challenge.status == [k for k, v in made.items() if v is challenge][0]
    assert list(Challenge.objects.with_status(status)) == [made[status]]
    assert made[status].get_status_display() == status.label


def test_with_status_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown challenge status"):
        Challenge.objects.with_status("nope")


def test_str_methods():
    challenge = issue()
    assert str(challenge) == f"Sign-in {PHONE} (Pending)"
    user = make_user("erin")
    assert str(PhoneIdentity.objects.create(user=user, phone_number=PHONE)) == PHONE
