"""A Redis outage is logged once, with its traceback, then one line a minute: not a traceback
per refused request."""

import logging
import time

import pytest

from django_webotp import sms
from django_webotp.abuse import outage
from tests.support.signin import start

pytestmark = pytest.mark.django_db
DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/11",  # nothing listens on port 9
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DOWN
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def outage_records(caplog):
    return [r for r in caplog.records if "cache is unreachable" in r.getMessage()]


def test_many_refused_requests_log_the_outage_once(client, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        statuses = [start(client, "+447400123456").status_code for _ in range(30)]
    assert statuses == [429] * 30
    [record] = outage_records(caplog)
    assert record.exc_info is not None  # the first one carries the traceback


def test_after_a_minute_one_line_says_how_many_were_not_logged(
    client, redis_down, settings, caplog, monkeypatch
):
    settings.RATELIMIT_FAIL_OPEN = True  # so the budgets are asked (and fail) too
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        for _ in range(10):
            start(client, "+447400123456")
            now[0] += 1
        now[0] += outage.INTERVAL
        start(client, "+447400123456")
    records = outage_records(caplog)
    assert len(records) == 4  # rate limits and budgets: first failure, then one line each
    first, *_, later = records
    assert first.exc_info is not None and later.exc_info is None
    assert "still failing" in later.getMessage() and "not logged" in later.getMessage()
    assert len(sms.outbox) == 11  # fail-open let them through
