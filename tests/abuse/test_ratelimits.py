"""Rate limits, on each cache a site may count them in: LocMemCache and a real Redis.

Production counts in Redis (Django's ``RedisCache``) so every worker process sees the same
numbers; the same cases run against both caches so a difference between them (``add``/``incr``
semantics, expiry) cannot hide. Redis DB 11 is used, and only it is flushed.
"""

import os
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse

from django_webotp import signals, sms
from django_webotp.abuse import counters, ratelimits, windows
from django_webotp.abuse.ratelimits import hash_phone, hit, parse_rates, split_rate
from django_webotp.conf import webotp_settings
from django_webotp.models import Challenge
from django_webotp.testing import last_code
from tests.abuse.conftest import cache_keys
from tests.support.codes import wrong_code
from tests.support.signin import start

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("WEBOTP_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
CACHES = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
}
PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
UK_MOBILE = "+447400123456"
IP = "203.0.113.1"


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def rate_cache(request, settings):
    """The default cache (the one django-ratelimit counts in) is LocMemCache, then Redis."""
    settings.CACHES = {"default": CACHES[request.param]}
    cache = caches["default"]
    cache.clear()  # on Redis: FLUSHDB of DB 11 only
    yield cache
    cache.clear()


@pytest.fixture
def rf_request():
    def make(ip="192.0.2.1"):
        return RequestFactory().post("/", REMOTE_ADDR=ip)

    return make


@pytest.fixture
def limited_signals():
    seen = []

    def receiver(**kwargs):
        seen.append(kwargs)

    signals.rate_limited.connect(receiver)
    yield seen
    signals.rate_limited.disconnect(receiver)


def test_rates_are_a_comma_separated_list():
    assert parse_rates(" 5/h, 10/d ,") == ["5/h", "10/d"]
    assert parse_rates("") == []
    assert parse_rates(None) == []


class TestHit:
    def test_counts_live_in_the_cache_under_test(self, rate_cache, rf_request):
        hit(rf_request(), "ip", "5/h")
        if isinstance(rate_cache, RedisCache):
            assert rate_cache._cache.get_client().dbsize() == 1
        else:
            assert len(rate_cache._cache) == 1

    def test_the_request_after_the_limit_is_refused(self, rate_cache, rf_request):
        request = rf_request()
        outcomes = [hit(request, "phone", "3/h", "k") is not None for _ in range(4)]
        assert outcomes == [False, False, False, True]

    def test_a_refusal_says_how_long_to_wait_and_which_scope(self, rate_cache, rf_request):
        request = rf_request()
        hit(request, "phone", "1/m", "k")
        throttle = hit(request, "phone", "1/m", "k")
        assert throttle is not None
        assert throttle.reason == "phone"
        assert 1 <= throttle.retry_after <= 60

    def test_every_rate_in_the_list_must_hold_and_the_longest_wait_is_reported(
        self, rate_cache, rf_request, monkeypatch
    ):
        # Each value's hour starts at its own moment: put the clock 50 minutes before this
        # value's hour ends, so the hour's wait (3000 s) and the minute's (at most 60) differ.
        hour = windows.windows("rl:phone", "k", "1/h", int(time.time()))[0]
        monkeypatch.setattr(ratelimits, "time", SimpleNamespace(time=lambda: hour.ends - 3000))
        request = rf_request()
        assert hit(request, "phone", "5/m,1/h", "k") is None
        throttle = hit(request, "phone", "5/m,1/h", "k")  # within 5/m, over 1/h
        assert throttle is not None
        assert throttle.retry_after == 3000

    def test_values_are_counted_apart(self, rate_cache, rf_request):
        request = rf_request()
        assert hit(request, "phone", "1/h", "a") is None
        assert hit(request, "phone", "1/h", "b") is None
        assert hit(request, "phone", "1/h", "a") is not None

    def test_scopes_are_counted_apart(self, rate_cache, rf_request):
        request = rf_request()
        assert hit(request, "phone", "1/h", "k") is None
        assert hit(request, "verify", "1/h", "k") is None

    def test_without_a_value_the_client_ip_is_counted(self, rate_cache, rf_request):
        assert hit(rf_request("192.0.2.1"), "ip", "1/h") is None
        assert hit(rf_request("192.0.2.2"), "ip", "1/h") is None
        assert hit(rf_request("192.0.2.1"), "ip", "1/h") is not None

    def test_ipv6_clients_are_counted_by_their_64_bit_prefix(self, rate_cache, rf_request):
        assert hit(rf_request("2001:db8::1"), "ip", "1/h") is None
        assert hit(rf_request("2001:db8::2"), "ip", "1/h") is not None
        assert hit(rf_request("2001:db8:0:1::1"), "ip", "1/h") is None

    def test_ratelimit_enable_false_turns_the_limits_off(self, rate_cache, rf_request, settings):
        settings.RATELIMIT_ENABLE = False
        request = rf_request()
        assert all(hit(request, "phone", "1/h", "k") is None for _ in range(3))

    @pytest.mark.redis
    def test_on_redis_the_script_counts_like_add_and_incr(self, rf_request, settings):
        # The Lua script must count in the same keys as the portable add()/incr() path (and
        # the counts read back through the cache), so the two can never disagree about a limit.
        settings.CACHES = {"default": CACHES["redis"]}
        cache = caches["default"]
        cache.clear()
        [window] = windows.windows("rl:phone", "k", "3/h", int(time.time()))
        counters._take(cache, window)
        counters._take(cache, window)
        assert hit(rf_request(), "phone", "3/h", "k") is None
        assert cache.get(window.key) == 3
        assert hit(rf_request(), "phone", "3/h", "k") is not None
        assert cache.get(window.key) == 3  # the refused one took nothing
        cache.clear()

    def test_cache_keys_hold_no_value_in_clear(self, counting_cache, rf_request):
        hit(rf_request("192.0.2.77"), "ip", "5/h")
        hit(rf_request(), "phone", "5/h", "+447911123456")
        keys = cache_keys(counting_cache)
        assert len(keys) == 2
        assert not any("192.0.2.77" in key or "7911123456" in key for key in keys)

    def test_no_rates_means_no_limit(self, rate_cache, rf_request):
        request = rf_request()
        assert all(hit(request, "ip", "", None) is None for _ in range(50))


class TestViews:
    def start(self, client, phone=PHONE):
        return client.post(LOGIN, {"phone_number": phone})

    def test_too_many_codes_for_one_number_is_a_429_with_retry_after(
        self, rate_cache, client, settings, limited_signals
    ):
        settings.WEBOTP_RATELIMIT_PHONE = "2/h"
        settings.WEBOTP_RATELIMIT_IP = None
        assert [self.start(client).status_code for _ in range(2)] == [302, 302]
        refused = self.start(client)
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 3600
        assert "Too many requests" in refused.content.decode()
        assert "Please wait" in refused.content.decode()
        assert len(sms.outbox) == 2
        assert Challenge.objects.count() == 2
        assert [s["reason"] for s in limited_signals] == ["phone"]
        assert limited_signals[0]["phone_number"] == PHONE

    def test_the_phone_limit_holds_across_browsers(self, rate_cache, client, settings):
        settings.WEBOTP_RATELIMIT_PHONE = "1/h"
        settings.WEBOTP_RATELIMIT_IP = None
        assert self.start(client).status_code == 302
        assert self.start(client.__class__(REMOTE_ADDR="198.51.100.7")).status_code == 429

    def test_too_many_codes_from_one_ip_is_a_429(self, rate_cache, client, settings):
        settings.WEBOTP_RATELIMIT_PHONE = None
        settings.WEBOTP_RATELIMIT_IP = "2/h"
        assert self.start(client, "+447911123001").status_code == 302
        assert self.start(client, "+447911123002").status_code == 302
        refused = self.start(client, "+447911123003")
        assert refused.status_code == 429
        assert not Challenge.objects.filter(phone_number="+447911123003").exists()
        other_ip = client.__class__(REMOTE_ADDR="198.51.100.7")
        assert self.start(other_ip, "+447911123003").status_code == 302

    def test_too_many_code_submissions_is_a_429_that_costs_no_attempt(
        self, rate_cache, client, settings
    ):
        settings.WEBOTP_RATELIMIT_VERIFY_IP = "2/h"
        self.start(client)
        right = last_code(PHONE)
        wrong = wrong_code(right)
        assert client.post(VERIFY, {"code": wrong}).status_code == 400
        assert client.post(VERIFY, {"code": wrong}).status_code == 400
        refused = client.post(VERIFY, {"code": right})
        assert refused.status_code == 429
        assert "Retry-After" in refused
        assert Challenge.objects.get().attempts == 2
        assert "_auth_user_id" not in client.session


# --- the limits as a visitor meets them, and when their cache is down -------------------------


def test_phone_numbers_are_hashed_with_the_secret_key(settings):
    digest = hash_phone("+447911123456")
    assert "447911123456" not in digest
    settings.SECRET_KEY = "another-secret-key-another-secret-key-another-secret-key"
    assert hash_phone("+447911123456") != digest


def test_codes_per_phone_number(client, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "2/h"
    received = []
    signals.rate_limited.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t1")
    try:
        for _ in range(2):
            assert client.post(LOGIN, {"phone_number": "+447911123456"}).status_code == 302
        refused = client.post(
            LOGIN, {"phone_number": "07911 123456"}
        )  # same number, other spelling
    finally:
        signals.rate_limited.disconnect(dispatch_uid="t1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Please wait" in refused.content.decode()
    assert len(sms.outbox) == 2
    assert received[0]["reason"] == "phone"
    assert received[0]["phone_number"] == "+447911123456"
    # Another number is not affected.
    assert client.post(LOGIN, {"phone_number": "+447911123457"}).status_code == 302


def test_codes_per_client_ip(client, settings):
    settings.WEBOTP_RATELIMIT_IP = "2/h"
    for n in range(2):
        assert client.post(LOGIN, {"phone_number": f"+44791112345{n}"}).status_code == 302
    assert client.post(LOGIN, {"phone_number": "+447911123459"}).status_code == 429
    other_ip = client.post(LOGIN, {"phone_number": "+447911123459"}, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


def test_code_submissions_per_ip(client, settings):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "3/10m"
    settings.WEBOTP_MAX_ATTEMPTS = 10
    client.post(LOGIN, {"phone_number": "+447911123456"})
    for _ in range(3):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 400
    refused = client.post(VERIFY, {"code": "000000"})
    assert refused.status_code == 429
    assert "minute" in refused.content.decode() or "second" in refused.content.decode()


def test_limits_can_be_switched_off(client, settings):
    settings.WEBOTP_RATELIMIT_PHONE = None
    settings.WEBOTP_RATELIMIT_IP = ""
    settings.WEBOTP_SMS_BUDGETS = {}
    for _ in range(12):
        assert client.post(LOGIN, {"phone_number": "+447911123456"}).status_code == 302


@pytest.fixture
def unreachable_cache(settings):
    """A Redis cache on a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def test_an_unreachable_cache_refuses_with_a_429_not_a_500(client, unreachable_cache, caplog):
    response = client.post(LOGIN, {"phone_number": "+447400123456"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 60
    assert sms.outbox == []
    assert "rate-limit cache is unreachable" in caplog.text


def test_fail_open_lets_codes_through_when_the_cache_is_down(client, unreachable_cache, settings):
    settings.RATELIMIT_FAIL_OPEN = True
    response = client.post(LOGIN, {"phone_number": "+447400123456"})
    assert response.status_code == 302
    assert len(sms.outbox) == 1


def test_budgets_fail_closed_too(client, unreachable_cache, settings, caplog):
    settings.WEBOTP_RATELIMIT_IP = settings.WEBOTP_RATELIMIT_PHONE = None  # budgets alone
    exceeded = []
    signals.budget_exceeded.connect(lambda **kw: exceeded.append(kw), weak=False, dispatch_uid="b")
    try:
        response = client.post(LOGIN, {"phone_number": "+447400123456"})
    finally:
        signals.budget_exceeded.disconnect(dispatch_uid="b")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 60
    assert sms.outbox == []
    assert [e["reason"] for e in exceeded] == ["unavailable"]
    assert "budget cache is unreachable" in caplog.text
    settings.RATELIMIT_FAIL_OPEN = True
    assert client.post(LOGIN, {"phone_number": "+447400123456"}).status_code == 302


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
    start(client, UK_MOBILE, ip=IP)
    challenge = Challenge.objects.get()
    right = challenge.make_code()
    wrong = wrong_code(right)
    for _ in range(webotp_settings.MAX_ATTEMPTS):
        client.post(VERIFY, {"code": wrong})
    assert client.post(VERIFY, {"code": right}).status_code == 400
    challenge.refresh_from_db()
    assert challenge.attempts == webotp_settings.MAX_ATTEMPTS
