"""A backend path that cannot be imported is a misconfiguration, never a provider outage."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from django_webotp.delivery import send
from django_webotp.flows import challenges
from django_webotp.models import Challenge

MISSING = "django_webotp.sms.backends.nowhere.SmsBackend"


@pytest.mark.django_db
def test_an_unimportable_backend_is_not_taken_for_a_provider_outage(settings):
    # A provider outage closes the challenge as failed and says "try again"; a typo in the
    # setting must not look like one, or every sign-in would fail the same way, silently.
    settings.WEBOTP_SMS_BACKEND = MISSING
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    with pytest.raises(ImportError):
        challenges.start(request, "+447400123456")
    assert not Challenge.objects.open().exists()  # its row, recorded first, is closed
    assert Challenge.objects.get().delivery_error.startswith("configuration")


def test_an_unimportable_backend_is_raised_for_notices_too(settings):
    settings.WEBOTP_SMS_BACKEND = MISSING
    with pytest.raises(ImportError):
        send.send_notice("+447400123456", "Your number was changed.")
