"""Test settings: the example project's, with the database and cache picked by environment.

WEBOTP_TEST_DB=postgres runs against PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth).
"""

import os

from example_project.settings import *  # noqa: F403

SECRET_KEY = "tests-only-secret-key-0123456789-0123456789-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("WEBOTP_TEST_DB") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("WEBOTP_TEST_PG_NAME", "webotp"),
            "USER": os.environ.get("WEBOTP_TEST_PG_USER", "postgres"),
            "HOST": os.environ.get("WEBOTP_TEST_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("WEBOTP_TEST_PG_PORT", "5432"),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.locmem.SmsBackend"
WEBOTP_SMS_FILE_PATH = None  # the dev inbox must not read the example's sms-outbox/
WEBOTP_DEV_SIMULATOR = False  # the simulator's own tests switch it on
WEBOTP_SITE_NAME = "Example"
