"""Starting a sign-in: the challenge is recorded before its SMS goes out and its outcome after;
and the answer reveals nothing about which numbers have accounts."""

import statistics
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from django_webotp import signals, sms
from django_webotp.models import Challenge, DeliveryStatus, PhoneIdentity
from django_webotp.sms.backends.base import BaseSmsBackend
from django_webotp.testing import last_code
from tests.support.signin import VERIFY as SIGNIN_VERIFY
from tests.support.signin import start
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
TABLE = Challenge._meta.db_table
IP = "203.0.113.1"


class MisconfiguredProvider(BaseSmsBackend):
    def send_messages(self, messages):
        raise ImproperlyConfigured("WEBOTP_EXAMPLE_TOKEN is missing.")


class Witness(BaseSmsBackend):
    """Sends like locmem, and notes the moment in ``events``, beside the statements run."""

    events: list = []

    def send_messages(self, messages):
        Witness.events.append("SMS")
        return sms.get_connection("django_webotp.sms.backends.locmem.SmsBackend").send_messages(
            messages
        )


def test_the_challenge_is_recorded_before_its_sms_goes_out_and_its_outcome_after(client, settings):
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.Witness"
    Witness.events = []

    def note(execute, sql, params, many, context):
        if f'"{TABLE}"' in sql and not sql.startswith(("SAVEPOINT", "RELEASE")):
            Witness.events.append(sql.split()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        client.post(LOGIN, {"phone_number": PHONE})
    # No open code yet: insert, claim, send, record how the send went.
    assert Witness.events == ["INSERT", "UPDATE", "SMS", "UPDATE"]
    Witness.events = []
    with connection.execute_wrapper(note):
        client.post(LOGIN, {"phone_number": PHONE})
    # The INSERT meets the open code: close it and insert again, then claim, send, record.
    assert Witness.events == ["INSERT", "UPDATE", "INSERT", "UPDATE", "SMS", "UPDATE"]
    newest = Challenge.objects.latest("created_at")
    assert newest.delivery_status == DeliveryStatus.SENT
    assert newest.provider_message_id == sms.outbox[-1].provider_message_id
    assert Challenge.objects.open().count() == 1


def test_the_signals_see_a_saved_challenge(client):
    seen = []

    def receiver(challenge, **kwargs):
        seen.append(list(Challenge.objects.filter(pk=challenge.pk).values_list("delivery_status")))

    signals.code_requested.connect(receiver)
    signals.code_sent.connect(receiver)
    try:
        client.post(LOGIN, {"phone_number": PHONE})
    finally:
        signals.code_requested.disconnect(receiver)
        signals.code_sent.disconnect(receiver)
    assert seen == [[("pending",)], [("sent",)]]


def test_a_failed_send_is_recorded_closed(client, settings):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    client.post(LOGIN, {"phone_number": PHONE})
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error.startswith("timeout")
    assert challenge.invalidated_at is not None


def test_a_misconfigured_provider_leaves_no_usable_challenge(client, settings):
    settings.WEBOTP_SMS_BACKEND = f"{__name__}.MisconfiguredProvider"
    client.raise_request_exception = True
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_EXAMPLE_TOKEN"):
        client.post(LOGIN, {"phone_number": PHONE})
    assert not Challenge.objects.open().exists()
    assert Challenge.objects.get().delivery_error.startswith("configuration")


def failing_save(when):
    """Challenge.save, made to fail with a database error for the saves ``when`` picks."""
    original = Challenge.save

    def save(self, *args, **kwargs):
        if when(kwargs):
            raise OperationalError("the database went away")
        return original(self, *args, **kwargs)

    return save


def test_a_challenge_that_cannot_be_recorded_sends_nothing_and_says_so(client, monkeypatch):
    monkeypatch.setattr(Challenge, "save", failing_save(lambda kw: kw.get("force_insert")))
    response = client.post(LOGIN, {"phone_number": PHONE})
    assert response.status_code == 424
    assert "We could not send the code just now" in response.content.decode()
    assert sms.outbox == []  # no SMS without its row
    assert not Challenge.objects.exists()


def test_a_sent_sms_whose_outcome_cannot_be_recorded_keeps_its_row(client, monkeypatch):
    monkeypatch.setattr(Challenge, "save", failing_save(lambda kw: kw.get("update_fields")))
    response = client.post(LOGIN, {"phone_number": PHONE})
    assert response.status_code == 424
    assert "We could not send the code just now" in response.content.decode()
    assert len(sms.outbox) == 1
    challenge = Challenge.objects.get()  # the SMS that went out has its row, recorded first
    assert challenge.delivery_status == DeliveryStatus.PENDING
    assert challenge.make_code() in sms.outbox[0].body


def test_marking_an_unsaved_challenge_only_sets_its_fields():
    challenge = Challenge.objects.build(PHONE, ttl=300, max_attempts=5, code_length=6)
    challenge.mark_sent("provider-1")
    assert not Challenge.objects.exists()
    Challenge.objects.replace_open(challenge)
    assert Challenge.objects.get().provider_message_id == "provider-1"


def test_a_lost_insert_race_is_retried_then_given_up(monkeypatch):
    challenge = Challenge.objects.build(PHONE, ttl=300, max_attempts=5, code_length=6)
    tries = []

    def always_taken(*args, **kwargs):
        tries.append(1)
        raise IntegrityError("webotp_one_open_challenge")

    monkeypatch.setattr(Challenge, "save", always_taken)
    with pytest.raises(IntegrityError):
        Challenge.objects.replace_open(challenge)
    assert len(tries) == 4  # the first INSERT, then three in the replacing transaction


def test_a_code_posted_for_a_purged_challenge_starts_over(client):
    client.post(LOGIN, {"phone_number": PHONE})
    code = last_code(PHONE)
    Challenge.objects.all().delete()
    response = client.post(reverse("webotp:verify"), {"code": code})
    assert response.status_code == 400
    assert "Enter your phone number again" in response.content.decode()
    assert 'name="phone_number"' in response.content.decode()


# --- enumeration ------------------------------------------------------------------------------


def _shape(response):
    cookies = {
        name: {key: morsel[key] for key in ("path", "httponly", "samesite", "secure", "max-age")}
        for name, morsel in response.cookies.items()
    }
    # Expires is "now" to the second: two responses a tick apart differ there, and nothing
    # about the account; it must be present on both, its value is the clock's.
    headers = {
        k: (v if k.lower() != "expires" else "<now>")
        for k, v in response.headers.items()
        if k.lower() != "set-cookie"
    }
    return response.status_code, response.content, headers, cookies


def test_start_reveals_nothing_about_accounts_when_signup_is_off(settings, no_rate_limits):
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {}
    known = "+447400111111"
    PhoneIdentity.objects.create(user=make_user("k"), phone_number=known, can_sign_in=True)
    known_response, unknown_response = (
        start(Client(), known, ip=IP),
        start(Client(), "+447400222222", ip=IP),
    )
    assert _shape(known_response) == _shape(unknown_response)
    # The code pages read the same too, apart from the number the person typed.
    timings = {"known": [], "unknown": []}
    for round_ in range(200):
        for name, phone in (("known", known), ("unknown", "+447400222222")):
            client = Client()
            started = time.perf_counter()
            start(client, phone, ip=f"198.51.100.{round_ % 250}")
            timings[name].append(time.perf_counter() - started)
    known_median = statistics.median(timings["known"])
    unknown_median = statistics.median(timings["unknown"])
    # Generous on purpose (a shared CI machine): a difference an attacker could measure over the
    # network would be far larger than this.
    assert abs(known_median - unknown_median) < max(known_median, unknown_median) * 0.5


OLD_KEY = "the-key-before-rotation-the-key-before-rotation-0123456"
NEW_KEY = "the-key-after-rotation-the-key-after-rotation-012345678"


@pytest.mark.parametrize(("fallbacks", "status"), [([OLD_KEY], 302), ([], 400)])
def test_a_code_sent_before_a_secret_key_rotation(client, settings, fallbacks, status):
    """A code on its way while SECRET_KEY is rotated signs in while the old key is a fallback."""
    settings.SECRET_KEY = OLD_KEY
    start(client)
    code = last_code(PHONE)
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = fallbacks
    assert client.post(SIGNIN_VERIFY, {"code": code}).status_code == status
