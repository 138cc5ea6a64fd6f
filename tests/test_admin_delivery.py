"""A failed delivery is visible to operators in the admin: listed, filterable, with its reason."""

import pytest
from django.urls import reverse

from django_webotp.models import Challenge
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"


@pytest.fixture
def operator(client):
    user = make_user("operator", password="pw", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def failed_and_sent(client, settings):
    client.post(reverse("webotp:login"), {"phone_number": "+447911123001"})
    settings.WEBOTP_SMS_BACKEND = "tests.failing_backend.SmsBackend"
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    return Challenge.objects.get(phone_number=PHONE)


def test_the_list_filters_failed_deliveries(operator, failed_and_sent):
    url = reverse("admin:django_webotp_challenge_changelist")
    page = operator.get(url, {"status": "failed"}).content.decode()
    assert PHONE in page
    assert "+447911123001" not in page
    assert "Delivery failed" in page  # the computed status column

    everything = operator.get(url).content.decode()
    assert "+447911123001" in everything


def test_the_challenge_page_shows_why_it_failed(operator, failed_and_sent):
    url = reverse("admin:django_webotp_challenge_change", args=[failed_and_sent.pk])
    page = operator.get(url).content.decode()
    assert "timeout: provider timed out" in page
    assert "Failed" in page
