"""Task delivery never stalls silently: a lease on each claimed send, its own state for a code
closed while queued, and a sweeper, a check and a signal for a queue nobody works on.

Before, a worker killed mid-send left its challenge "Sending your code…" for ever (and a resend
refused by the cooldown), a challenge expired or replaced in the queue still read "Sending…"
while the API said ``"delivery": "sent"``, and nobody was told that no worker ran.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_webotp import signals, sms
from django_webotp.delivery import send, sweep
from django_webotp.flows.challenges import resend_in
from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.sms.backends.base import BaseSmsBackend
from django_webotp.testing import last_code
from tests.support import signin
from tests.support.api import Api
from tests.support.tasks import run_worker, use_task_backend

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"
STATUS = reverse("webotp:status")
VERIFY = reverse("webotp:verify")
RESEND = reverse("webotp:resend")


@pytest.fixture
def queue(settings):
    """Task delivery on a DummyBackend: tasks wait until ``run_worker()`` plays the worker."""
    backend = use_task_backend(settings, "dummy")
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def heard():
    """The code_sent, code_failed and delivery_stalled signals, in order."""
    events = []

    def listener(name):
        def record(**kwargs):
            events.append((name, kwargs))

        return record

    receivers = {
        signals.code_sent: listener("sent"),
        signals.code_failed: listener("failed"),
        signals.delivery_stalled: listener("stalled"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield events
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def start(client, capture, phone=PHONE):
    with capture(execute=True):
        return signin.start(client, phone)


def lease_runs_out(challenge=None, by=1):
    """As if WEBOTP_SEND_LEASE (and ``by`` seconds more) had passed since the worker took it."""
    claimed = timezone.now() - timedelta(seconds=60 + by)
    target = Challenge.objects.filter(pk=challenge.pk) if challenge else Challenge.objects.all()
    target.filter(claimed_at__isnull=False).update(claimed_at=claimed)


class DyingProvider(BaseSmsBackend):
    """The worker is killed mid-send (SIGTERM: SystemExit, which no ``except Exception`` stops)."""

    name = "dying"

    def send_messages(self, messages):
        raise SystemExit(143)


def a_worker_dies_mid_send(client, queue, settings, capture) -> Challenge:
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.DyingProvider"
    start(client, capture)
    with pytest.raises(SystemExit):
        run_worker(queue)
    queue.clear()  # the worker is gone, and its task with it
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.PENDING
    assert challenge.claimed_at is not None
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.locmem.SmsBackend"
    return challenge


# --- the lease ---------------------------------------------------------------------------------


def test_a_worker_that_dies_mid_send_leaves_a_failed_code_and_a_resend_at_once(
    client, queue, settings, heard, django_capture_on_commit_callbacks
):
    challenge = a_worker_dies_mid_send(client, queue, settings, django_capture_on_commit_callbacks)
    # Within the lease the send may still be under way: it reads "sending", the cooldown holds.
    assert client.get(STATUS).json()["state"] == "sending"
    assert client.post(RESEND).status_code == 429

    lease_runs_out(challenge)
    # The code page's poll reads the stalled send and settles it on the spot.
    assert client.get(STATUS).json() == {
        "state": "failed",
        "message": "We could not send this code. Request a new code.",
    }
    challenge.refresh_from_db()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error.startswith("lease: no outcome 60 s after")
    assert challenge.status == "failed"
    assert resend_in(challenge) == 0
    assert [(name, kw["reason"]) for name, kw in heard] == [("failed", "lease")]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND)  # at once, though the cooldown (30 s) has not passed
    assert response.status_code == 302
    assert run_worker(queue) == [DeliveryStatus.SENT]
    assert client.post(VERIFY, {"code": last_code(PHONE)}).status_code == 302


def test_the_sweeper_closes_lapsed_sends_and_leaves_those_under_their_lease(
    client, queue, settings, heard, django_capture_on_commit_callbacks
):
    challenge = a_worker_dies_mid_send(client, queue, settings, django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("webotp_sweep", stdout=out)
    assert out.getvalue().startswith("Closed 0 stalled sends as failed;")
    assert Challenge.objects.get().delivery_status == DeliveryStatus.PENDING

    lease_runs_out(challenge)
    out = StringIO()
    call_command("webotp_sweep", stdout=out)
    assert out.getvalue().startswith("Closed 1 stalled sends as failed;")
    assert Challenge.objects.get().delivery_status == DeliveryStatus.FAILED
    assert [name for name, _ in heard] == ["failed"]


def test_a_send_that_finishes_after_its_lease_records_nothing(
    client, queue, settings, heard, django_capture_on_commit_callbacks, monkeypatch
):
    # A send that outlives its lease: while it is under way a sweeper closes it; then it
    # succeeds. (Swept from the worker's own thread: the backend runs in a helper thread of
    # the send deadline's, whose database connection would not see this test's rows.)
    handed_over = send.send_within_deadline

    def hangs_past_the_lease(connection, message, seconds=None):
        lease_runs_out()
        sweep.sweep()
        handed_over(connection, message, seconds)

    monkeypatch.setattr(send, "send_within_deadline", hangs_past_the_lease)
    start(client, django_capture_on_commit_callbacks)
    assert run_worker(queue) == ["lapsed"]
    challenge = Challenge.objects.get()
    # The sweeper's "failed" stands: the person was told to ask for a new code, and may.
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.provider_message_id == ""
    assert [(name, kw["reason"]) for name, kw in heard] == [("failed", "lease")]


def test_of_two_racing_sweepers_exactly_one_closes_a_lapsed_send(
    client, queue, settings, heard, django_capture_on_commit_callbacks, monkeypatch
):
    """The second sweeper read the same lapsed send before the first closed it: its
    conditional UPDATE, naming the claim it read, matches nothing."""
    challenge = a_worker_dies_mid_send(client, queue, settings, django_capture_on_commit_callbacks)
    lease_runs_out(challenge)
    reads = sweep.lapsed_claims
    results = []

    def read_then_let_the_other_sweeper_run(now, limit):
        found = reads(now, limit)
        if not results:
            results.append(None)
            results[0] = sweep.sweep()  # the other sweeper, between this read and its UPDATE
        return found

    monkeypatch.setattr(sweep, "lapsed_claims", read_then_let_the_other_sweeper_run)
    late = sweep.sweep()
    assert (results[0].lapsed, late.lapsed) == (1, 0)
    assert [name for name, _ in heard] == ["failed"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(os.environ.get("WEBOTP_TEST_DB") != "postgres", reason="threads need a server")
def test_of_two_sweepers_in_threads_exactly_one_closes_each_lapsed_send(settings, heard):
    now = timezone.now()
    for n in range(20):
        Challenge.objects.create(
            phone_number=f"+4479111000{n:02d}",
            purpose="login",
            created_at=now,
            expires_at=now + timedelta(minutes=5),
            code_length=6,
            max_attempts=5,
            delivery_status=DeliveryStatus.PENDING,
            claimed_at=now - timedelta(seconds=61),
        )
    barrier = threading.Barrier(2)
    closed = []

    def sweeper():
        try:
            barrier.wait(timeout=10)
            closed.append(sweep.sweep().lapsed)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(closed) == 20
    assert len([name for name, _ in heard if name == "failed"]) == 20
    assert Challenge.objects.filter(delivery_status=DeliveryStatus.FAILED).count() == 20


# --- closed while queued -----------------------------------------------------------------------


def test_a_code_that_expired_in_the_queue_says_so_and_is_never_sent(
    queue, django_capture_on_commit_callbacks
):
    api = Api(Client(enforce_csrf_checks=True))
    with django_capture_on_commit_callbacks(execute=True):
        api.start(PHONE)
    assert api.status().json()["delivery"] == "sending"
    Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert run_worker(queue) == [DeliveryStatus.QUEUE_EXPIRED]
    assert sms.outbox == []
    body = api.status().json()
    assert (body["state"], body["delivery"], body["resend_in"]) == (
        "expired",
        "not_sent_expired",
        0,
    )
    assert api.client.get(STATUS).json() == {
        "state": "not_sent",
        "message": "This code expired before it could be sent. Request a new code.",
    }


def test_a_code_replaced_in_the_queue_says_so_and_is_never_sent(
    queue, django_capture_on_commit_callbacks
):
    first, second = (Api(Client(enforce_csrf_checks=True)) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        first.start(PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        second.start(PHONE)  # the same number from another browser: the first code is replaced

    assert run_worker(queue) == [DeliveryStatus.QUEUE_REPLACED, DeliveryStatus.SENT]
    assert len(sms.outbox) == 1
    body = first.status().json()
    assert (body["state"], body["delivery"]) == ("invalidated", "not_sent_replaced")
    assert first.client.get(STATUS).json() == {
        "state": "not_sent",
        "message": "A newer code was asked for, so this one was not sent.",
    }
    assert second.status().json()["delivery"] == "sent"


def test_a_page_that_reads_a_code_closed_in_the_queue_settles_it_before_any_worker(
    client, queue, django_capture_on_commit_callbacks
):
    """No worker runs at all: the code page still stops saying "Sending…" once it expired."""
    start(client, django_capture_on_commit_callbacks)
    Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(VERIFY).content.decode()
    assert "This code expired before it could be sent. Request a new code." in page
    assert "Sending your code" not in page
    assert Challenge.objects.get().delivery_status == DeliveryStatus.QUEUE_EXPIRED
    assert run_worker(queue) == ["skipped"]  # the worker, late, finds nothing to send
    assert sms.outbox == []


def test_the_sweeper_records_codes_closed_in_the_queue(
    client, queue, django_capture_on_commit_callbacks
):
    start(client, django_capture_on_commit_callbacks, "+447911000001")
    start(client, django_capture_on_commit_callbacks, "+447911000002")
    start(Client(), django_capture_on_commit_callbacks, "+447911000002")  # replaces the 2nd
    Challenge.objects.filter(phone_number="+447911000001").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    out = StringIO()
    call_command("webotp_sweep", stdout=out)
    assert out.getvalue() == (
        "Closed 0 stalled sends as failed; 1 queued codes expired and 1 were replaced before a "
        "worker sent them; 1 waiting.\n"
    )
    assert sorted(Challenge.objects.values_list("delivery_status", flat=True)) == sorted(
        [DeliveryStatus.QUEUED, DeliveryStatus.QUEUE_EXPIRED, DeliveryStatus.QUEUE_REPLACED]
    )


# --- a queue nobody works on -------------------------------------------------------------------


def queued_for(seconds, client, capture):
    start(client, capture)
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_the_dashboard_shows_the_age_of_the_oldest_queued_code(
    admin_client, client, queue, django_capture_on_commit_callbacks
):
    url = reverse("admin:django_webotp_challenge_dashboard")
    assert "None waiting." in admin_client.get(url).content.decode()
    queued_for(42, client, django_capture_on_commit_callbacks)
    page = admin_client.get(url).content.decode()
    assert "1 code waiting; the oldest has waited 42 s." in page
    assert "are the task workers running?" not in page
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=90))
    page = admin_client.get(url).content.decode()
    assert "1 code waiting; the oldest has waited 90 s." in page
    assert "longer than WEBOTP_QUEUE_STALL_AFTER (60 s): are the task workers running?" in page


def test_the_sweeper_signals_a_stalled_queue(
    client, queue, heard, django_capture_on_commit_callbacks
):
    queued_for(30, client, django_capture_on_commit_callbacks)
    assert not sweep.sweep().stalled
    assert heard == []
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=90))
    err = StringIO()
    call_command("webotp_sweep", stdout=StringIO(), stderr=err)
    assert "The oldest queued code has waited 90 s for a worker" in err.getvalue()
    [(name, event)] = heard
    assert name == "stalled"
    assert event["queued"] == 1
    assert 90 <= event["age"] < 95


def test_the_stalled_queue_check_reads_the_database_only_when_asked(
    client, queue, django_capture_on_commit_callbacks
):
    queued_for(90, client, django_capture_on_commit_callbacks)
    # Tagged "database": manage.py check runs it only with --database (migrate runs it too).
    assert "webotp.W041" not in [m.id for m in run_checks()]
    [warning] = [m for m in run_checks(databases=["default"]) if m.id == "webotp.W041"]
    assert warning.msg == (
        "The oldest of 1 queued codes has waited 90 s for a task worker (more than "
        "WEBOTP_QUEUE_STALL_AFTER, 60 s): nobody is getting their code."
    )
    Challenge.objects.update(created_at=timezone.now())
    assert "webotp.W041" not in [m.id for m in run_checks(databases=["default"])]


@pytest.mark.parametrize("name", ["WEBOTP_SEND_LEASE", "WEBOTP_QUEUE_STALL_AFTER"])
@pytest.mark.parametrize("value", [0, -5, 1.5, "60"])
def test_the_bounds_must_be_positive_whole_seconds(settings, queue, name, value):
    setattr(settings, name, value)
    errors = [m for m in run_checks() if m.id == "webotp.E005"]
    assert [m.msg for m in errors] == [f"{name} must be a positive whole number."]


def test_a_web_worker_killed_mid_send_in_sync_mode_is_swept_too(client, settings):
    """A send made in the request has no worker's claim (on PostgreSQL its claim rolls back with
    the killed worker's transaction), so its lease runs from the challenge's creation: it is
    closed as failed, not left "sending" for ever."""
    settings.WEBOTP_DELIVERY = "sync"
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.DyingProvider"
    with pytest.raises(SystemExit):
        signin.start(client, PHONE)
    assert Challenge.objects.get().delivery_status == DeliveryStatus.PENDING
    call_command("webotp_sweep", stdout=StringIO())
    assert Challenge.objects.get().delivery_status == DeliveryStatus.PENDING  # still within it
    Challenge.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    call_command("webotp_sweep", stdout=StringIO())
    assert Challenge.objects.get().delivery_status == DeliveryStatus.FAILED
