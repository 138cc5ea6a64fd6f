"""SMS budgets: each scope caps the codes sent, refused sends give back, and an SMS-pumping
attack is contained."""

import logging
import time

import pytest
from django.test import Client

from django_webotp import signals, sms
from django_webotp.abuse import budgets
from django_webotp.abuse.ratelimits import parse_rates, split_rate
from django_webotp.conf import webotp_settings
from tests.support.signin import start

pytestmark = pytest.mark.django_db
UK_MOBILE = "+447400123456"
FR_MOBILE = "+33612345678"
IP = "203.0.113.1"  # one client, unless a test says otherwise


@pytest.fixture
def budget_events():
    received = []

    def handler(sender, **kwargs):
        received.append(kwargs)

    signals.budget_exceeded.connect(handler)
    yield received
    signals.budget_exceeded.disconnect(handler)


# --- budgets ----------------------------------------------------------------------------------


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """Budgets counted in LocMemCache and in a real Redis (database 13, emptied first)."""
    if request.param == "redis":
        pytest.importorskip("redis")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/13",
            }
        }
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as exc:  # pragma: no cover - only without a Redis server
        pytest.skip(f"Redis is not reachable: {exc}")
    yield request.param
    cache.clear()


@pytest.mark.parametrize(
    ("scope", "numbers"),
    [
        ("number", [UK_MOBILE] * 3),
        ("prefix", ["+447400123456", "+447400123457", "+447400123458"]),
        ("country", ["+447400123456", "+447500123456", "+447700123456"]),
        ("global", ["+447400123456", "+33612345678", "+4915112345678"]),
    ],
)
def test_each_budget_caps_sms_for_its_scope(
    client, settings, no_rate_limits, shared_cache, budget_events, caplog, scope, numbers
):
    settings.WEBOTP_SMS_BUDGETS = {scope: "2/h"}
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        responses = [start(client, phone, ip=IP).status_code for phone in numbers]
    assert responses == [302, 302, 429]
    assert len(sms.outbox) == 2
    [event] = budget_events
    assert event["reason"] == scope
    assert event["phone_number"] == numbers[2]
    assert "SMS budget exceeded" in caplog.text


def test_a_refused_send_gives_back_what_it_took(client, settings, no_rate_limits, shared_cache):
    """A prefix that is spent must not eat the country's budget for other prefixes."""
    settings.WEBOTP_SMS_BUDGETS = {"prefix": "2/h", "country": "3/h"}
    for last in range(5):  # 2 sent, 3 refused by the prefix budget
        start(client, f"+44740012345{last}", ip=IP)
    assert len(sms.outbox) == 2
    assert (
        start(client, "+447500123456", ip=IP).status_code == 302
    )  # the country still has room for one
    assert start(client, "+447800123456", ip=IP).status_code == 429
    assert len(sms.outbox) == 3


def test_budgets_count_suppressed_codes_like_sent_ones(client, settings, no_rate_limits):
    """With sign-up off, an unknown number must hit the budget exactly like a known one."""
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {"number": "1/h"}
    assert start(client, UK_MOBILE, ip=IP).status_code == 302
    assert start(client, UK_MOBILE, ip=IP).status_code == 429


def test_scope_values():
    values = budgets.scope_values("+447400123456")
    assert values["prefix"] == "+44740012"
    assert values["country"] == "GB"
    assert values["global"] == "all"
    assert "7400123456" not in values["number"]


# --- the attack simulation --------------------------------------------------------------------


def test_sms_pumping_attack_is_contained(settings, monkeypatch):
    """10,000 start requests from five IPs at a premium-rate range and random mobile numbers."""
    frozen = 1_800_000_000.0  # keep every rate window still during the simulation
    monkeypatch.setattr(time, "time", lambda: frozen)
    import random

    rng = random.Random(7)
    attackers = [f"203.0.113.{n}" for n in range(1, 6)]
    client = Client()
    statuses: dict[int, int] = {}
    for n in range(10_000):
        if n % 5 < 2:
            phone = f"+44909{rng.randrange(10**7):07d}"  # premium rate
        else:
            phone = f"+44740012{rng.randrange(10**4):04d}"  # random mobiles in one range
        response = start(client, phone, ip=rng.choice(attackers))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    sent = len(sms.outbox)
    prefix_hourly = split_rate(parse_rates(webotp_settings.SMS_BUDGETS["prefix"])[0])[0]
    assert all(400 <= status < 500 or status == 302 for status in statuses), statuses
    assert not any(message.to.startswith("+44909") for message in sms.outbox)
    # Five IPs may ask 5 x 20 times an hour; the range's budget stops it sooner.
    assert prefix_hourly < 5 * 20
    assert sent == prefix_hourly
    # A person in another country, on another network, still gets a code at once.
    legit = Client()
    assert start(legit, FR_MOBILE, ip="192.0.2.200").status_code == 302
    assert sms.outbox[-1].to == FR_MOBILE
