"""The benchmark's settings: the example project as a production site would run it.

PostgreSQL (persistent connections), Redis for the cache and the sessions, DEBUG off, and an
SMS backend that drops each message into Redis for the load generator to read. Rate limits stay
on, relaxed so that the load generator never trips them: their cost is part of what is measured.
BENCH_DELIVERY picks "sync" or "task" delivery; "task" queues on django-tasks-db, whose worker
(``manage.py db_worker``) the benchmark starts.
"""

import os

from example_project.settings import *  # noqa: F403
from example_project.settings import BASE_DIR, INSTALLED_APPS, TEMPLATES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
SECRET_KEY = "bench-only-secret-key-0123456789-0123456789-0123456789"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("BENCH_DB", "webotp_bench"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }
}
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BENCH_REDIS_URL,
    }
}
SESSION_ENGINE = os.environ.get("BENCH_SESSION_ENGINE", "django.contrib.sessions.backends.cache")

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR.parent / "bench" / "templates"]}
]

WEBOTP_DELIVERY = os.environ.get("BENCH_DELIVERY", "sync")
WEBOTP_SMS_BACKEND = "bench.sms.SmsBackend"
WEBOTP_DOMAIN = "127.0.0.1"
WEBOTP_RATELIMIT_PHONE = "100000/h,1000000/d"
WEBOTP_RATELIMIT_IP = "1000000/h"
WEBOTP_RATELIMIT_VERIFY_IP = "1000000/10m"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
