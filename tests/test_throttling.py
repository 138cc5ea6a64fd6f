"""Rate limits: per phone, per IP and per submission IP answer 429 with a wait a person can read."""

import pytest
from django.urls import reverse

from django_webotp import signals, sms
from django_webotp.abuse.ratelimits import hash_phone, parse_rates

pytestmark = pytest.mark.django_db
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")


def test_parse_rates():
    assert parse_rates("5/h, 10/d") == ["5/h", "10/d"]
    assert parse_rates("") == []
    assert parse_rates(None) == []


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


def test_budgets_fail_closed_too(client, settings, monkeypatch):
    from django_webotp.abuse import budgets

    def broken(phone_number):
        raise ConnectionError("cache down")

    monkeypatch.setattr(budgets, "_spend", broken)
    response = client.post(LOGIN, {"phone_number": "+447400123456"})
    assert response.status_code == 429
    assert sms.outbox == []
    settings.RATELIMIT_FAIL_OPEN = True
    assert client.post(LOGIN, {"phone_number": "+447400123456"}).status_code == 302
