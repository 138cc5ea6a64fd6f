"""The Web OTP simulator of the dev tools finds the code of any purpose's code page."""

from django.urls import reverse

from django_webotp.testing import last_code
from tests.support.accounts import PHONE, password_login, send_two_factor_code


def test_the_simulator_feed_offers_the_two_factor_code(client, alice, settings):
    settings.DEBUG = True
    password_login(client)
    send_two_factor_code(client)
    feed = client.get(reverse("webotp_dev:simulator_messages")).json()
    assert feed["phone"] == PHONE
    assert feed["shown_as"] == "07400 123456"  # what the bar says it waits for
    assert [m["origin_bound"]["code"] for m in feed["messages"]] == [last_code(PHONE)]


def test_the_newest_code_page_wins(client, alice, settings):
    settings.DEBUG = True
    client.post(reverse("webotp:login"), {"phone_number": "+447400333444"})
    password_login(client)  # the same browser, later, with a password
    send_two_factor_code(client)
    feed = client.get(reverse("webotp_dev:simulator_messages")).json()
    assert feed["phone"] == PHONE
