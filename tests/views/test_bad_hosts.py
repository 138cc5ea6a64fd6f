"""In DEBUG without WEBOTP_DOMAIN the SMS names the page's host; some hosts no SMS can name."""

import pytest
from django.test import Client
from django.urls import reverse

from django_webotp import sms
from django_webotp.models import Challenge

pytestmark = pytest.mark.django_db

LOGIN = reverse("webotp:login")
PHONE = "+447911123456"


@pytest.mark.parametrize("host", ["[::1]", "[::1]:8000", "localhost.", "localhost.:8000"])
def test_the_login_page_refuses_a_host_no_sms_can_name(settings, host):
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = None
    client = Client(raise_request_exception=True, HTTP_HOST=host)

    response = client.post(LOGIN, {"phone_number": PHONE})

    assert response.status_code == 400
    assert b"No code was sent: an SMS cannot name this page&#x27;s address" in response.content
    assert not Challenge.objects.exists()
    assert not sms.outbox


def test_the_configured_domain_is_used_whatever_the_host(settings):
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = "example.com"
    client = Client(HTTP_HOST="[::1]:8000")

    assert client.post(LOGIN, {"phone_number": PHONE}).status_code == 302
    assert "@example.com #" in sms.outbox[-1].body


def test_a_resend_from_such_a_host_sends_nothing(settings):
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = None
    settings.WEBOTP_RESEND_COOLDOWN = 0
    client = Client(HTTP_HOST="localhost:8000")
    assert client.post(LOGIN, {"phone_number": PHONE}).status_code == 302
    challenge = Challenge.objects.get()

    response = client.post(reverse("webotp:resend"), HTTP_HOST="[::1]:8000")

    assert response.status_code == 400
    assert len(sms.outbox) == 1
    assert list(Challenge.objects.all()) == [challenge]
