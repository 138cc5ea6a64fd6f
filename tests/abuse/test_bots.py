"""The bot check (WEBOTP_BOT_CHECK) runs before a code is sent, and explains a refusal."""

import pytest
from django.urls import reverse

from django_webotp import sms
from django_webotp.models import Challenge
from tests.support.signin import start

pytestmark = pytest.mark.django_db
LOGIN = reverse("webotp:login")
UK_MOBILE = "+447400123456"
IP = "203.0.113.1"  # one client, unless a test says otherwise


# --- bot friction -----------------------------------------------------------------------------


def refuse_without_ticket(request, phone_number):
    return request.POST.get("ticket") == "ok" or "Please tick the box."


def test_bot_check_runs_before_a_code_is_sent(client, settings):
    settings.WEBOTP_BOT_CHECK = "tests.abuse.test_bots.refuse_without_ticket"
    refused = start(client, UK_MOBILE, ip=IP)
    assert refused.status_code == 400
    assert "Please tick the box." in refused.content.decode()
    assert sms.outbox == []
    assert not Challenge.objects.exists()
    allowed = client.post(LOGIN, {"phone_number": UK_MOBILE, "ticket": "ok"})
    assert allowed.status_code == 302
    assert len(sms.outbox) == 1


def test_bot_check_false_gives_a_generic_message(client, settings):
    settings.WEBOTP_BOT_CHECK = lambda request, phone: False
    response = start(client, UK_MOBILE, ip=IP)
    assert "Please confirm you are not a robot." in response.content.decode()
