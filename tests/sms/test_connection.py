"""get_connection: a backend path that cannot be imported is a misconfiguration, said so."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from django_webotp.flows import challenges
from django_webotp.models import Challenge
from django_webotp.sms import get_connection


def test_an_unimportable_backend_names_itself():
    with pytest.raises(ImproperlyConfigured, match="nowhere.SmsBackend"):
        get_connection("nowhere.SmsBackend")


@pytest.mark.django_db
def test_an_unimportable_backend_is_not_taken_for_a_provider_outage(settings):
    # A provider outage closes the challenge as failed and says "try again"; a typo in the
    # setting must not look like one, or it would be retried for ever.
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.nowhere.SmsBackend"
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    with pytest.raises(ImproperlyConfigured):
        challenges.start(request, "+447400123456")
    assert not Challenge.objects.exists()
