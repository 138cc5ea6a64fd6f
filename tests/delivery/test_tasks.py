"""WEBOTP_DELIVERY = "task": the request queues the SMS, a worker sends it and records the outcome.

The queue is Django's tasks framework (``django.tasks``, or the ``django_tasks`` backport on
Django 5.2) with its own test backends: ``DummyBackend`` keeps what was enqueued so a test can
play the worker later, ``ImmediateBackend`` runs the task as it is enqueued.
"""

import re
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from django_webotp import signals, sms
from django_webotp.exceptions import SmsDeliveryError
from django_webotp.models import Challenge, DeliveryStatus, PhoneIdentity
from django_webotp.sms.backends.base import BaseSmsBackend
from django_webotp.testing import last_code
from tests.support import signin
from tests.support.tasks import run_worker, use_task_backend
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
STATUS = reverse("webotp:status")


@pytest.fixture
def use_tasks(settings):
    """Switch to task delivery on the named test backend; returns the backend instance."""
    return lambda backend: use_task_backend(settings, backend)


@pytest.fixture
def queue(use_tasks):
    """Tasks wait in a DummyBackend until ``run_worker()`` plays the worker."""
    backend = use_tasks("dummy")
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def heard():
    """Records code_sent and code_failed signals."""
    events = []

    def sent(**kwargs):
        events.append(("sent", kwargs))

    def failed(**kwargs):
        events.append(("failed", kwargs))

    signals.code_sent.connect(sent)
    signals.code_failed.connect(failed)
    yield events
    signals.code_sent.disconnect(sent)
    signals.code_failed.disconnect(failed)


def start(client, phone=PHONE, capture=None):
    if capture is None:
        return signin.start(client, phone)
    with capture(execute=True):
        return signin.start(client, phone)


class SlowProvider(BaseSmsBackend):
    """A provider that takes as long as the test says: it waits for ``release``."""

    name = "slow"
    entered = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        type(self).entered.set()
        if not type(self).release.wait(timeout=10):
            raise SmsDeliveryError("never released", backend=self.name, reason="timeout")
        sms.outbox.extend(messages)
        for message in messages:
            self._stamp(message, "slow-1")
        return len(messages)


class BrokenQueue:
    """A task backend whose broker is down."""

    def __init__(self, alias, params):
        self.alias = alias

    task_class = None

    def validate_task(self, task):
        pass

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("broker unreachable")


def test_sync_stays_the_default(client, django_capture_on_commit_callbacks):
    start(client, capture=django_capture_on_commit_callbacks)
    assert Challenge.objects.get().delivery_status == DeliveryStatus.SENT


def test_the_start_request_does_not_wait_for_a_slow_provider(
    client, settings, queue, django_capture_on_commit_callbacks
):
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.SlowProvider"
    SlowProvider.entered.clear()
    SlowProvider.release.clear()
    response = start(client, capture=django_capture_on_commit_callbacks)
    # The provider has not even been called (it would still be waiting for release): the
    # request created the challenge, queued the send and answered.
    assert response.status_code == 302
    assert not SlowProvider.entered.is_set()
    assert Challenge.objects.get().delivery_status == DeliveryStatus.QUEUED
    assert len(queue.results) == 1
    SlowProvider.release.set()
    assert run_worker(queue) == [DeliveryStatus.SENT]
    assert SlowProvider.entered.is_set()
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert challenge.provider_message_id == "slow-1"


def test_the_send_is_enqueued_only_once_the_challenge_is_committed(
    client, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        start(client)
    assert queue.results == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(queue.results) == 1


def test_code_page_says_sending_then_the_worker_sends_and_records_it(
    client, queue, heard, django_capture_on_commit_callbacks
):
    start(client, capture=django_capture_on_commit_callbacks)
    assert sms.outbox == []
    page = client.get(VERIFY).content.decode()
    assert "Sending your code…" in page
    assert f'data-webotp-status="{STATUS}"' in page
    assert f'<a href="{VERIFY}">' in page  # without JavaScript: reload the page
    assert client.get(STATUS).json() == {"state": "sending", "message": "Sending your code…"}

    assert run_worker(queue) == [DeliveryStatus.SENT]

    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.SENT
    assert challenge.provider_message_id == sms.outbox[0].provider_message_id
    assert [name for name, _ in heard] == ["sent"]
    assert heard[0][1]["challenge"].pk == challenge.pk
    assert heard[0][1]["request"] is None
    assert client.get(STATUS).json()["state"] == "sent"
    assert "data-webotp-status" not in client.get(VERIFY).content.decode()
    # The SMS names the host the person asked from, though the worker had no request.
    assert sms.outbox[0].body.endswith(f"@testserver #{last_code(PHONE)}")
    assert client.post(VERIFY, {"code": last_code(PHONE)}).status_code == 302


def test_a_failing_provider_closes_the_challenge_and_says_so_everywhere(
    client, settings, queue, heard, django_capture_on_commit_callbacks
):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    start(client, capture=django_capture_on_commit_callbacks)
    assert run_worker(queue) == [DeliveryStatus.FAILED]

    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error == "timeout: provider timed out"
    assert challenge.status == "failed"
    assert not Challenge.objects.pending().exists()
    assert [(name, kw["reason"]) for name, kw in heard] == [("failed", "timeout")]
    status = client.get(STATUS).json()
    assert status == {
        "state": "failed",
        "message": "We could not send this code. Request a new code.",
    }
    page = client.get(VERIFY).content.decode()
    assert "We could not send this code. Request a new code." in page
    assert "data-webotp-status" not in page
    refused = client.post(VERIFY, {"code": challenge.make_code()})
    assert refused.status_code == 400
    assert "We could not send this code" in refused.content.decode()


def test_the_worker_writes_the_sms_in_the_language_of_the_request(
    client, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LOGIN, {"phone_number": PHONE}, headers={"accept-language": "es"})
    [queued] = queue.results
    with translation.override("en"):  # the worker's own language, which has no say here
        assert run_worker(queue) == [DeliveryStatus.SENT]
    code = last_code(PHONE)
    assert sms.outbox[0].body == f"{code} es tu clave de acceso a Example.\n\n@testserver #{code}"
    assert queued.args[3] == "es"


def test_a_task_queued_without_a_language_writes_in_the_workers(
    client, queue, django_capture_on_commit_callbacks
):
    """Tasks enqueued by an earlier release carry no language: the worker's own is used."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LOGIN, {"phone_number": PHONE}, headers={"accept-language": "es"})
    [queued] = queue.results
    queue.clear()
    with translation.override("en"):
        assert queued.task.call(*queued.args[:3]) == DeliveryStatus.SENT
    assert sms.outbox[0].body.startswith(f"{last_code(PHONE)} is your Example sign-in code.")


@pytest.mark.django_db(transaction=True)  # autocommit, as in production: on_commit runs at once
def test_the_immediate_backend_sends_within_the_request(client, use_tasks):
    use_tasks("immediate")
    assert start(client).status_code == 302
    assert Challenge.objects.get().delivery_status == DeliveryStatus.SENT
    assert len(sms.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_queue_that_refuses_the_task_is_a_clear_4xx(client, use_tasks, heard):
    use_tasks(f"{__name__}.BrokenQueue")
    response = start(client)
    assert response.status_code == 424
    assert "We could not send the code just now" in response.content.decode()
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error == "queue: broker unreachable"
    assert [(name, kw["reason"]) for name, kw in heard] == [("failed", "queue")]
    assert "webotp" not in client.session


class MisconfiguredQueue(BrokenQueue):
    def enqueue(self, task, args, kwargs):
        raise ImproperlyConfigured("TASKS['default'] needs a QUEUES option.")


@pytest.mark.django_db(transaction=True)
def test_a_misconfigured_queue_is_not_mistaken_for_an_outage(client, use_tasks):
    use_tasks(f"{__name__}.MisconfiguredQueue")
    client.raise_request_exception = True
    with pytest.raises(ImproperlyConfigured, match="QUEUES"):
        start(client)


def test_with_atomic_requests_a_refused_task_shows_on_the_code_page(
    client, settings, use_tasks, django_capture_on_commit_callbacks
):
    # The enqueue waits for the commit, which comes after the response: the person is on the
    # code page by then, and it tells them.
    settings.ATOMIC_REQUESTS = True
    use_tasks(f"{__name__}.BrokenQueue")
    assert start(client, capture=django_capture_on_commit_callbacks).status_code == 302
    assert client.get(STATUS).json()["state"] == "failed"
    assert "We could not send this code" in client.get(VERIFY).content.decode()


def test_a_task_that_runs_twice_sends_once(client, queue, django_capture_on_commit_callbacks):
    start(client, capture=django_capture_on_commit_callbacks)
    waiting = queue.results[0]
    assert run_worker(queue) == [DeliveryStatus.SENT]
    assert waiting.task.call(*waiting.args) == "skipped"
    assert len(sms.outbox) == 1


def test_a_challenge_replaced_before_the_worker_ran_gets_no_sms(
    client, queue, django_capture_on_commit_callbacks
):
    start(client, capture=django_capture_on_commit_callbacks)
    start(client, capture=django_capture_on_commit_callbacks)
    assert run_worker(queue) == [DeliveryStatus.QUEUE_REPLACED, DeliveryStatus.SENT]
    assert len(sms.outbox) == 1
    assert client.post(VERIFY, {"code": last_code(PHONE)}).status_code == 302


def test_a_task_for_a_deleted_challenge_does_nothing(
    client, queue, django_capture_on_commit_callbacks
):
    start(client, capture=django_capture_on_commit_callbacks)
    Challenge.objects.all().delete()
    assert run_worker(queue) == ["skipped"]
    assert sms.outbox == []


class TestSignupOff:
    @pytest.fixture(autouse=True)
    def _signup_off(self, settings):
        settings.WEBOTP_SIGNUP = False

    def test_known_and_unknown_numbers_show_the_same_code_page(
        self, client, queue, django_capture_on_commit_callbacks
    ):
        user = make_user("erin")
        PhoneIdentity.objects.create(user=user, phone_number="+447911123999", can_sign_in=True)
        known, unknown = client, client.__class__()
        start(known, "+447911123999", capture=django_capture_on_commit_callbacks)
        start(unknown, PHONE, capture=django_capture_on_commit_callbacks)
        pages = [
            re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", c.get(VERIFY).content.decode())
            for c in (known, unknown)
        ]
        assert pages[0].replace("07911 123999", "07911 123456") == pages[1]  # as the pages say
        # Not "Sending…" then "sent": when the send ends would tell the numbers apart.
        assert "Sending your code…" not in pages[1]

        assert run_worker(queue) == [DeliveryStatus.SENT, DeliveryStatus.SUPPRESSED]

        assert [m.to for m in sms.outbox] == ["+447911123999"]
        assert known.get(STATUS).json() == unknown.get(STATUS).json()
        assert unknown.get(STATUS).json()["state"] == "sent"


class TestStatusEndpoint:
    def test_without_a_sign_in_request_it_is_a_404_with_a_sentence(self, client):
        response = client.get(STATUS)
        assert response.status_code == 404
        assert response.json()["state"] == "gone"
        assert "Enter your phone number again" in response.json()["message"]

    def test_it_is_never_cached(self, client):
        start(client)
        response = client.get(STATUS)
        assert "no-cache" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]

    def test_it_is_read_only(self, client):
        start(client)
        assert client.post(STATUS).status_code == 405

    def test_it_answers_only_for_this_browsers_challenge(self, client):
        start(client)
        assert client.__class__().get(STATUS).status_code == 404


def test_the_worker_sends_no_sign_in_code_to_a_second_factor_number(
    client, queue, django_capture_on_commit_callbacks
):
    """Sign-up on: a number added for two-step verification still gets no sign-in code."""
    PhoneIdentity.objects.create(user=make_user("frank"), phone_number=PHONE)  # second factor
    start(client, PHONE, capture=django_capture_on_commit_callbacks)
    assert run_worker(queue) == [DeliveryStatus.SUPPRESSED]
    assert sms.outbox == []
