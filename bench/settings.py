"""django-webotp's project in the benchmark: the example project as a production site runs it.

PostgreSQL (persistent connections), database sessions (as every target), a Redis cache, DEBUG
off, and an SMS backend that drops each message into Redis for the load generator to read.
BENCH_LIMITS: "off" turns the rate limits (``RATELIMIT_ENABLE``) and the SMS budgets off; "on"
(the default) keeps every one of them, relaxed so that the load never trips them while their
cost is paid on every request, counted in Redis (``RATELIMIT_USE_CACHE``, DB 13).
BENCH_DELIVERY picks "sync" or "task" delivery; "task" queues on django-tasks-db, whose worker
(``manage.py db_worker``) the benchmark starts.
"""

import os

from bench.targets import base
from example_project.settings import *  # noqa: F403
from example_project.settings import INSTALLED_APPS

# The database, Redis and sessions every target shares (over the example project's own).
DATABASES = base.DATABASES
BENCH_REDIS_URL = base.BENCH_REDIS_URL
SESSION_ENGINE = base.SESSION_ENGINE

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
SECRET_KEY = "bench-only-secret-key-0123456789-0123456789-0123456789"

CACHES = {
    **base.CACHES,
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BENCH_REDIS_URL,
        "KEY_PREFIX": "rl",
    },
}

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

WEBOTP_DELIVERY = os.environ.get("BENCH_DELIVERY", "sync")
WEBOTP_SMS_BACKEND = "bench.sms.SmsBackend"
WEBOTP_DEV_SIMULATOR = False  # development only (check webotp.E031)
WEBOTP_DOMAIN = "127.0.0.1"
if os.environ.get("BENCH_LIMITS", "on") == "off":
    RATELIMIT_ENABLE = False
    WEBOTP_SMS_BUDGETS = {}
else:
    RATELIMIT_ENABLE = True
    RATELIMIT_USE_CACHE = "ratelimit"
    # The defaults' shape, each limit far above what the load asks for.
    WEBOTP_RATELIMIT_PHONE = "100000/h,1000000/d"
    WEBOTP_RATELIMIT_IP = "1000000/h"
    WEBOTP_RATELIMIT_VERIFY_IP = "1000000/10m"
    WEBOTP_RATELIMIT_NEW_NUMBER = "100000/h,1000000/d"
    WEBOTP_SMS_BUDGETS = {
        scope: "10000000/h,100000000/d"
        for scope in ("ip", "network", "number", "prefix", "country", "global")
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
