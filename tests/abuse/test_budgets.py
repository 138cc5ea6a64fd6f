"""SMS budgets: each scope caps the codes sent, refused sends give back, and an SMS-pumping
attack is contained."""

import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client

from django_webotp import signals, sms
from django_webotp.abuse import budgets
from django_webotp.abuse.ratelimits import parse_rates, split_rate
from django_webotp.conf import webotp_settings
from django_webotp.delivery.tasks import TASKS_PACKAGE
from django_webotp.testing import last_code
from tests.abuse.conftest import cache_keys
from tests.support.signin import VERIFY, start

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
    """Budgets counted in LocMemCache and in a real Redis (database 11, emptied first)."""
    if request.param == "redis":
        pytest.importorskip("redis")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/11",
            }
        }

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
    hourly = {
        scope: split_rate(parse_rates(webotp_settings.SMS_BUDGETS[scope])[0])[0]
        for scope in ("ip", "network", "prefix")
    }
    assert all(400 <= status < 500 or status == 302 for status in statuses), statuses
    assert not any(message.to.startswith("+44909") for message in sms.outbox)
    # Five IPs may ask 5 x 20 times an hour; their network's budget (they share a /24), or the
    # range's, stops them sooner.
    assert min(hourly["network"], hourly["prefix"]) < 5 * min(20, hourly["ip"])
    assert sent == min(hourly["network"], hourly["prefix"])
    # A person in another country, on another network, still gets a code at once.
    legit = Client()
    assert start(legit, FR_MOBILE, ip="192.0.2.200").status_code == 302
    assert sms.outbox[-1].to == FR_MOBILE


# --- budgets are no off switch (sign-up off, unknown numbers), and clients spend their own ---


def unknown_numbers(count: int) -> list[str]:
    return [f"+4474009{n:05d}" for n in range(count)]


def addresses(count: int) -> list[str]:
    return [f"198.51.{n // 10}.{n % 10 + 1}" for n in range(count)]  # ten per /24


def test_withheld_codes_spend_no_shared_budget(client, settings, no_rate_limits, alice):
    """The issue's case, scaled down: requests for unknown numbers while sign-up is off send
    nothing and must not spend the country or global budget everybody shares."""
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {"country": "5/h", "global": "10/h"}
    statuses = [
        start(Client(), phone, ip=ip).status_code
        for phone, ip in zip(unknown_numbers(60), addresses(60), strict=True)
    ]
    assert statuses == [302] * 60
    assert sms.outbox == []
    assert start(client, "+447400123456", ip="192.0.2.9").status_code == 302  # alice's
    assert [m.to for m in sms.outbox] == ["+447400123456"]


def test_withheld_codes_spend_no_shared_budget_in_task_mode(
    client, settings, no_rate_limits, alice, django_capture_on_commit_callbacks
):
    settings.WEBOTP_DELIVERY = "task"
    settings.TASKS = {
        "default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}
    }
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {"global": "3/h"}
    with django_capture_on_commit_callbacks(execute=True):
        for phone, ip in zip(unknown_numbers(10), addresses(10), strict=True):
            assert start(Client(), phone, ip=ip).status_code == 302
        assert start(client, "+447400123456", ip="192.0.2.9").status_code == 302
    assert [m.to for m in sms.outbox] == ["+447400123456"]


def test_a_spent_shared_budget_refuses_known_and_unknown_numbers_alike(
    settings, no_rate_limits, alice, bob
):
    """Sign-up off: once real sends spent a shared budget, an unknown number is refused just
    like a known one (same status, same wait), so a 429 tells nothing about accounts."""
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {"global": "2/h"}
    assert start(Client(), "+447400123456", ip="192.0.2.1").status_code == 302  # alice
    assert start(Client(), "+447400654321", ip="192.0.2.2").status_code == 302  # bob
    known = start(Client(), "+447400123456", ip="192.0.2.3")
    unknown = start(Client(), "+447400999888", ip="192.0.2.4")
    assert known.status_code == unknown.status_code == 429
    assert known["Retry-After"] == unknown["Retry-After"]
    assert len(sms.outbox) == 2


@pytest.mark.parametrize(
    ("budget", "first", "second", "other"),
    [
        ("ip", "203.0.113.1", "203.0.113.1", "203.0.113.2"),
        ("network", "203.0.113.1", "203.0.113.99", "203.0.114.1"),
        ("network", "2001:db8::1", "2001:db8::ffff", "2001:db8:0:1::1"),
    ],
)
def test_one_client_spends_its_own_budget_before_the_shared_ones(
    settings, no_rate_limits, budget_events, budget, first, second, other
):
    settings.WEBOTP_SMS_BUDGETS = {budget: "2/h", "country": "3/h"}
    numbers = iter(f"+4474001{n:05d}" for n in range(10))
    assert start(Client(), next(numbers), ip=first).status_code == 302
    assert start(Client(), next(numbers), ip=second).status_code == 302
    assert start(Client(), next(numbers), ip=second).status_code == 429
    assert [e["reason"] for e in budget_events] == [budget]
    # The refused client spent none of the country's budget: another one still has it.
    assert start(Client(), next(numbers), ip=other).status_code == 302
    assert len(sms.outbox) == 3


def test_a_browser_that_signed_in_before_gets_its_code_when_others_spent_a_shared_budget(
    settings, no_rate_limits, alice
):
    settings.WEBOTP_SMS_BUDGETS = {"country": "3/h"}
    alices_browser = Client()
    start(alices_browser, "+447400123456", ip="192.0.2.1")
    alices_browser.post(VERIFY, {"code": last_code("+447400123456")}, REMOTE_ADDR="192.0.2.1")
    for phone, ip in zip(unknown_numbers(5), addresses(5), strict=True):
        start(Client(), phone, ip=ip)  # sign-up is on: these are sent, and spend the country's
    assert start(Client(), "+447400123456", ip="192.0.2.1").status_code == 429
    sms.outbox.clear()
    assert start(alices_browser, "+447400123456", ip="192.0.2.1").status_code == 302
    assert [m.to for m in sms.outbox] == ["+447400123456"]


def test_number_prefixes_are_hashed_in_cache_keys_and_logs(
    client, settings, no_rate_limits, counting_cache, caplog
):
    settings.WEBOTP_SMS_BUDGETS = {"prefix": "1/h"}
    settings.WEBOTP_BUDGET_PREFIX_DIGITS = 9  # the whole national number, as for small regions
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        start(client, UK_MOBILE, ip=IP)
        assert start(client, UK_MOBILE, ip=IP).status_code == 429
    assert "SMS budget exceeded: prefix +44… #" in caplog.text
    assert "7400123456" not in caplog.text and "740012345" not in caplog.text
    keys = cache_keys(counting_cache)
    assert keys and not any("74001234" in key for key in keys)
