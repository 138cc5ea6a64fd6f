"""Nobody can lock a number out: refused requests take nothing, each purpose has its own
count, and a browser that signed in for the number before has its own allowance (OWASP's
device cookie)."""

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client, RequestFactory
from django.urls import reverse

from django_webotp import sms
from django_webotp.abuse import devices
from django_webotp.conf import webotp_settings
from django_webotp.testing import last_code, last_link
from tests.support.accounts import OTHER_PHONE, PHONE, password_login, send_two_factor_code
from tests.support.signin import VERIFY, start

pytestmark = pytest.mark.django_db
ATTACKERS = [f"198.51.{n}.7" for n in range(10)]  # ten addresses, in ten networks
VICTIM_IP = "192.0.2.10"
COOKIE = webotp_settings.DEVICE_COOKIE_NAME


def sign_in(client: Client, phone: str, ip: str = VICTIM_IP) -> None:
    assert start(client, phone, ip=ip).status_code == 302
    response = client.post(VERIFY, {"code": last_code(phone)}, REMOTE_ADDR=ip)
    assert response.status_code == 302, response.content


def attack(phone: str, requests_each: int = 2) -> list[int]:
    return [
        start(Client(), phone, ip=ip).status_code for ip in ATTACKERS for _ in range(requests_each)
    ]


def test_refused_requests_take_nothing_and_push_no_window(client, settings, monkeypatch):
    """The issue's case: requests refused by the shorter limit filled the longer one."""
    settings.WEBOTP_RATELIMIT_PHONE = "3/m,6/h"
    settings.WEBOTP_RATELIMIT_IP = None
    settings.WEBOTP_SMS_BUDGETS = {}
    now = 1_800_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)
    statuses = [start(client, PHONE).status_code for _ in range(30)]
    assert statuses == [302] * 3 + [429] * 27
    now += 60  # the next minute, the same hour: 27 refusals did not fill the hour
    assert [start(client, PHONE).status_code for _ in range(4)] == [302] * 3 + [429]


def test_a_request_refused_by_a_budget_leaves_the_number_count_alone(client, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "2/h"
    settings.WEBOTP_RATELIMIT_IP = None
    settings.WEBOTP_SMS_BUDGETS = {"prefix": "1/h"}
    assert start(client, "+447400123999").status_code == 302  # spends the prefix's budget
    assert [start(client, PHONE).status_code for _ in range(5)] == [429] * 5
    settings.WEBOTP_SMS_BUDGETS = {}
    assert [start(client, PHONE).status_code for _ in range(3)] == [302, 302, 429]


def test_each_purpose_has_its_own_count(client, alice, settings):
    """Filling the sign-in count of alice's number does not stop her two-step verification."""
    settings.WEBOTP_RATELIMIT_PHONE = "2/h"
    settings.WEBOTP_RATELIMIT_IP = None
    assert 429 in attack(PHONE)
    sms.outbox.clear()
    password_login(client)
    send_two_factor_code(client)
    assert sms.outbox[-1].to == PHONE


def test_the_victims_browser_still_gets_a_code_when_attackers_filled_the_number(
    alice, counting_cache
):
    """The issue's case: ten addresses fill the number's limits (default settings); the
    browser alice signed in from before is let through, any other browser is not."""
    victim = Client()
    sign_in(victim, PHONE)
    cookie = victim.cookies[COOKIE].value
    victim.logout()  # signed out (the test client forgets every cookie): the browser keeps it
    victim.cookies[COOKIE] = cookie
    statuses = attack(PHONE)
    assert statuses.count(302) < len(statuses) and statuses[-1] == 429
    sms.outbox.clear()

    assert start(victim, PHONE, ip=VICTIM_IP).status_code == 302
    assert [m.to for m in sms.outbox] == [PHONE]
    assert start(Client(), PHONE, ip=VICTIM_IP).status_code == 429


def test_a_forged_cookie_or_one_for_another_number_gives_nothing(alice, bob):
    bobs_browser = Client()
    sign_in(bobs_browser, OTHER_PHONE)
    attack(PHONE)
    forged = signing.dumps({"d": "x", "n": [devices._tag(PHONE)]}, salt="another salt")
    unsigned = "eyJkIjoieCJ9:1abcde:forged"
    for value in (bobs_browser.cookies[COOKIE].value, forged, unsigned):
        browser = Client()
        browser.cookies[COOKIE] = value
        assert start(browser, PHONE, ip=VICTIM_IP).status_code == 429
    assert start(bobs_browser, OTHER_PHONE, ip=VICTIM_IP).status_code == 302


def test_the_browsers_own_allowance_is_limited_too(client, alice, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "3/h"
    settings.WEBOTP_RATELIMIT_IP = None
    sign_in(client, PHONE)
    assert [start(client, PHONE).status_code for _ in range(4)] == [302, 302, 302, 429]


def test_the_cookie_is_signed_http_only_lax_and_holds_no_number(client, alice):
    sign_in(client, PHONE)
    morsel = client.cookies[COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == 365 * 86400
    assert not morsel["secure"]  # plain HTTP here; Secure on HTTPS (below)
    payload = signing.loads(morsel.value, salt=devices.SALT)
    assert "7400123456" not in str(payload) and "7400123456" not in morsel.value
    secure = Client()
    sign_in_secure = secure.post(reverse("webotp:login"), {"phone_number": PHONE}, secure=True)
    assert sign_in_secure.status_code == 302
    done = secure.post(VERIFY, {"code": last_code(PHONE)}, secure=True)
    assert done.cookies[COOKIE]["secure"]


def test_the_cookie_outlives_a_secret_key_rotation(client, alice, settings):
    sign_in(client, PHONE)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 50, [settings.SECRET_KEY]
    assert devices.device_for(_request_with(client.cookies[COOKIE].value), PHONE)
    settings.SECRET_KEY_FALLBACKS = []
    assert devices.device_for(_request_with(client.cookies[COOKIE].value), PHONE) is None


def test_the_api_gives_the_cookie_too(client, alice):
    client.post(reverse("webotp_api:start"), {"phone_number": PHONE}, REMOTE_ADDR=VICTIM_IP)
    response = client.post(reverse("webotp_api:verify"), {"code": last_code(PHONE)})
    assert response.status_code == 200, response.content
    assert devices.device_for(_request_with(response.cookies[COOKIE].value), PHONE)


def _request_with(value: str):
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = value
    return request


def test_a_one_tap_link_gives_the_cookie_to_the_browser_that_opens_it(alice, settings):
    settings.WEBOTP_LINK = True
    settings.WEBOTP_DOMAIN = "testserver"  # links are built from configuration only
    start(Client(), PHONE, ip=VICTIM_IP)
    url = urlsplit(last_link(PHONE))
    phone_browser = Client()
    assert phone_browser.get(url.path).status_code == 302
    done = phone_browser.post(reverse("webotp:link_confirm"), {"code": url.fragment})
    assert done.status_code == 302, done.content
    assert devices.device_for(_request_with(done.cookies[COOKIE].value), PHONE)
