"""A receipt that moves a challenge's delivery status says so once, after the change is saved."""

import pytest
from django.test import Client

from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.receipts.apply import Receipt, record
from django_webotp.signals import delivery_status_changed
from tests.providers.payloads import MESSAGE_SID

from .test_views import post_twilio, receipt_settings, sent_challenge, twilio_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(receipt_settings.__name__)]


@pytest.fixture
def changes():
    """Every delivery_status_changed sent during the test, with what was saved when it was."""
    heard = []

    def listener(sender, **kwargs):
        saved = Challenge.objects.get(pk=kwargs["challenge"].pk).delivery_status
        heard.append({"sender": sender, "saved": saved, **kwargs})

    delivery_status_changed.connect(listener)
    yield heard
    delivery_status_changed.disconnect(listener)


def test_a_receipt_that_moves_the_status_sends_the_signal_after_commit(
    changes, django_capture_on_commit_callbacks
):
    challenge = sent_challenge(MESSAGE_SID, "twilio")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_twilio(Client(), twilio_fields("delivered"))
        assert changes == []  # not before the transaction commits

    assert response.status_code == 204
    [change] = changes
    receipt = change.pop("receipt")
    assert change == {
        "sender": Challenge,
        "signal": delivery_status_changed,
        "saved": DeliveryStatus.DELIVERED,
        "challenge": challenge,
        "old_status": DeliveryStatus.SENT,
        "new_status": DeliveryStatus.DELIVERED,
        "provider": "twilio",
    }
    assert (receipt.raw_status, receipt.message_id) == ("delivered", MESSAGE_SID)


def test_a_repeated_or_late_receipt_sends_nothing(changes, django_capture_on_commit_callbacks):
    sent_challenge(MESSAGE_SID, "twilio")
    with django_capture_on_commit_callbacks(execute=True):
        for status in ["delivered", "delivered", "sent"]:
            assert post_twilio(Client(), twilio_fields("delivered")).status_code == 204
            assert post_twilio(Client(), twilio_fields(status)).status_code == 204

    assert [(c["old_status"], c["new_status"]) for c in changes] == [
        (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)
    ]


def test_a_status_with_no_counterpart_sends_nothing(changes, django_capture_on_commit_callbacks):
    sent_challenge("gw-1", "webhook")
    with django_capture_on_commit_callbacks(execute=True):
        record(Receipt(provider="webhook", message_id="gw-1", raw_status="odd", status=None))

    assert changes == []
