"""Abuse and fraud defences: where codes may go, SMS budgets, brute force, enumeration, bots."""

import logging
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from django_webotp import signals, sms
from django_webotp.abuse import budgets
from django_webotp.abuse.ratelimits import parse_rates, split_rate
from django_webotp.conf import webotp_settings
from django_webotp.models import Challenge, PhoneIdentity
from tests.support.users import make_user

pytestmark = pytest.mark.django_db
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
UK_MOBILE = "+447400123456"
PREMIUM = "+449012345678"  # GB premium rate
FR_MOBILE = "+33612345678"


def ask(client, phone, ip="203.0.113.1"):
    return client.post(LOGIN, {"phone_number": phone}, REMOTE_ADDR=ip)


@pytest.fixture
def no_rate_limits(settings):
    settings.WEBOTP_RATELIMIT_PHONE = None
    settings.WEBOTP_RATELIMIT_IP = None


@pytest.fixture
def budget_events():
    received = []

    def handler(sender, **kwargs):
        received.append(kwargs)

    signals.budget_exceeded.connect(handler)
    yield received
    signals.budget_exceeded.disconnect(handler)


# --- where codes may go -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        (PREMIUM, "cannot receive our codes by SMS"),
        ("+448712345678", "cannot receive our codes by SMS"),  # shared cost
        ("+442071234567", "cannot receive our codes by SMS"),  # fixed line
    ],
)
def test_numbers_that_cannot_receive_a_code_are_refused(client, phone, message):
    response = ask(client, phone)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert sms.outbox == []
    assert not Challenge.objects.exists()


def test_number_types_are_configurable(client, settings):
    settings.WEBOTP_ALLOWED_NUMBER_TYPES = ("MOBILE", "FIXED_LINE")
    assert ask(client, "+442071234567").status_code == 302
    assert ask(client, "+12015550123").status_code == 400  # FIXED_LINE_OR_MOBILE no longer allowed


def test_allowed_regions(client, settings):
    settings.WEBOTP_ALLOWED_REGIONS = ["FR"]
    refused = ask(client, UK_MOBILE)
    assert refused.status_code == 400
    assert "cannot send codes to phone numbers in this country" in refused.content.decode()
    assert ask(client, FR_MOBILE).status_code == 302
    assert [m.to for m in sms.outbox] == [FR_MOBILE]


def test_blocked_regions(client, settings):
    settings.WEBOTP_BLOCKED_REGIONS = ["GB"]
    assert ask(client, UK_MOBILE).status_code == 400
    assert ask(client, FR_MOBILE).status_code == 302


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
        responses = [ask(client, phone).status_code for phone in numbers]
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
        ask(client, f"+44740012345{last}")
    assert len(sms.outbox) == 2
    assert ask(client, "+447500123456").status_code == 302  # the country still has room for one
    assert ask(client, "+447800123456").status_code == 429
    assert len(sms.outbox) == 3


def test_budgets_count_suppressed_codes_like_sent_ones(client, settings, no_rate_limits):
    """With sign-up off, an unknown number must hit the budget exactly like a known one."""
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {"number": "1/h"}
    assert ask(client, UK_MOBILE).status_code == 302
    assert ask(client, UK_MOBILE).status_code == 429


def test_scope_values():
    values = budgets.scope_values("+447400123456")
    assert values["prefix"] == "+44740012"
    assert values["country"] == "GB"
    assert values["global"] == "all"
    assert "7400123456" not in values["number"]


# --- brute force ------------------------------------------------------------------------------


def max_in_any_24_hours(rates: str) -> int:
    """Most events the rates allow in any 24 hours, with fixed windows (two can straddle)."""
    bounds = []
    for rate in parse_rates(rates):
        count, period = split_rate(rate)
        windows = -(-86400 // period) + 1  # a 24-hour span touches at most this many windows
        bounds.append(count * windows)
    return min(bounds)


def test_chance_of_guessing_a_code_within_24_hours_is_at_most_one_in_ten_thousand():
    codes = min(
        max_in_any_24_hours(webotp_settings.RATELIMIT_PHONE),
        max_in_any_24_hours(webotp_settings.SMS_BUDGETS["number"]),
    )
    guesses_per_code = webotp_settings.MAX_ATTEMPTS
    space = 10**webotp_settings.CODE_LENGTH
    # Each code is fresh and uniformly random; distinct guesses within one code.
    chance = 1 - (1 - guesses_per_code / space) ** codes
    assert codes == 20
    assert chance <= 1 / 10_000


def test_the_attempt_limit_holds_for_the_bound_above(client, settings):
    """The bound assumes MAX_ATTEMPTS judged guesses per code; a sixth is never judged."""
    ask(client, UK_MOBILE)
    challenge = Challenge.objects.get()
    right = challenge.make_code()
    wrong = str((int(right) + 1) % 10**6).zfill(6)
    for _ in range(webotp_settings.MAX_ATTEMPTS):
        client.post(VERIFY, {"code": wrong})
    assert client.post(VERIFY, {"code": right}).status_code == 400
    challenge.refresh_from_db()
    assert challenge.attempts == webotp_settings.MAX_ATTEMPTS


# --- enumeration ------------------------------------------------------------------------------


def _shape(response):
    cookies = {
        name: {key: morsel[key] for key in ("path", "httponly", "samesite", "secure", "max-age")}
        for name, morsel in response.cookies.items()
    }
    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    return response.status_code, response.content, headers, cookies


def test_start_reveals_nothing_about_accounts_when_signup_is_off(settings, no_rate_limits):
    settings.WEBOTP_SIGNUP = False
    settings.WEBOTP_SMS_BUDGETS = {}
    known = "+447400111111"
    PhoneIdentity.objects.create(user=make_user("k"), phone_number=known)
    known_response, unknown_response = ask(Client(), known), ask(Client(), "+447400222222")
    assert _shape(known_response) == _shape(unknown_response)
    # The code pages read the same too, apart from the number the person typed.
    timings = {"known": [], "unknown": []}
    for round_ in range(200):
        for name, phone in (("known", known), ("unknown", "+447400222222")):
            client = Client()
            started = time.perf_counter()
            ask(client, phone, ip=f"198.51.100.{round_ % 250}")
            timings[name].append(time.perf_counter() - started)
    known_median = statistics.median(timings["known"])
    unknown_median = statistics.median(timings["unknown"])
    # Generous on purpose (a shared CI machine): a difference an attacker could measure over the
    # network would be far larger than this.
    assert abs(known_median - unknown_median) < max(known_median, unknown_median) * 0.5


# --- bot friction -----------------------------------------------------------------------------


def refuse_without_ticket(request, phone_number):
    return request.POST.get("ticket") == "ok" or "Please tick the box."


def test_bot_check_runs_before_a_code_is_sent(client, settings):
    settings.WEBOTP_BOT_CHECK = "tests.test_abuse.refuse_without_ticket"
    refused = ask(client, UK_MOBILE)
    assert refused.status_code == 400
    assert "Please tick the box." in refused.content.decode()
    assert sms.outbox == []
    assert not Challenge.objects.exists()
    allowed = client.post(LOGIN, {"phone_number": UK_MOBILE, "ticket": "ok"})
    assert allowed.status_code == 302
    assert len(sms.outbox) == 1


def test_bot_check_false_gives_a_generic_message(client, settings):
    settings.WEBOTP_BOT_CHECK = lambda request, phone: False
    response = ask(client, UK_MOBILE)
    assert "Please confirm you are not a robot." in response.content.decode()


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
        response = ask(client, phone, ip=rng.choice(attackers))
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
    assert ask(legit, FR_MOBILE, ip="192.0.2.200").status_code == 302
    assert sms.outbox[-1].to == FR_MOBILE
