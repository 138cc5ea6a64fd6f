"""Rate limits, on each cache a site may count them in: LocMemCache and a real Redis.

Production counts in Redis (Django's ``RedisCache``) so every worker process sees the same
numbers; the same cases run against both caches so a difference between them (``add``/``incr``
semantics, expiry) cannot hide. Redis DB 15 is used, and only it is flushed.
"""

import os

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse
from django_ratelimit.core import get_usage

from django_webotp import signals, sms
from django_webotp.abuse.ratelimits import hit, parse_rates
from django_webotp.models import Challenge
from django_webotp.testing import last_code

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("WEBOTP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CACHES = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
}
PHONE = "+447911123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def rate_cache(request, settings):
    """The default cache (the one django-ratelimit counts in) is LocMemCache, then Redis."""
    settings.CACHES = {"default": CACHES[request.param]}
    cache = caches["default"]
    cache.clear()  # on Redis: FLUSHDB of DB 15 only
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
        self, rate_cache, rf_request
    ):
        request = rf_request()
        assert hit(request, "phone", "5/m,1/h", "k") is None
        throttle = hit(request, "phone", "5/m,1/h", "k")  # within 5/m, over 1/h
        assert throttle is not None
        assert throttle.retry_after > 60

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
    def test_on_redis_the_counts_are_django_ratelimits_own(self, rf_request, settings):
        # The one-round-trip Redis path must count in the same keys and windows as
        # django-ratelimit itself, so the two can never disagree about a limit.
        settings.CACHES = {"default": CACHES["redis"]}
        caches["default"].clear()
        request = rf_request()
        for _ in range(2):
            get_usage(
                request, group="webotp.phone", key=lambda g, r: "k", rate="3/h", increment=True
            )
        assert hit(request, "phone", "3/h", "k") is None
        assert hit(request, "phone", "3/h", "k") is not None
        usage = get_usage(request, group="webotp.phone", key=lambda g, r: "k", rate="3/h")
        assert usage["count"] == 4
        caches["default"].clear()

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
        wrong = "000000" if right != "000000" else "111111"
        assert client.post(VERIFY, {"code": wrong}).status_code == 400
        assert client.post(VERIFY, {"code": wrong}).status_code == 400
        refused = client.post(VERIFY, {"code": right})
        assert refused.status_code == 429
        assert "Retry-After" in refused
        assert Challenge.objects.get().attempts == 2
        assert "_auth_user_id" not in client.session
