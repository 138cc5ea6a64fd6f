"""Settings of the tests' own site (tests/project/), with the database, cache and user model picked
by environment, so the suite runs from the sdist, without the example project.

WEBOTP_TEST_DB=postgres runs against PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth).
WEBOTP_TEST_USER_MODEL=project.EmailUser (or project.UUIDUser) runs under a custom user model.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "tests-only-secret-key-0123456789-0123456789-0123456789"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "django_webotp",
    "tests.project",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_webotp.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tests.project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' templates: the site's django_webotp/base.html extends its layout.
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

WSGI_APPLICATION = "tests.project.wsgi.application"

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

AUTH_USER_MODEL = os.environ.get("WEBOTP_TEST_USER_MODEL") or "auth.User"
AUTHENTICATION_BACKENDS = [
    "django_webotp.backends.PhoneOTPBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "webotp:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "project" / "locale"]  # the site's own pages; the app brings its own
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.locmem.SmsBackend"
WEBOTP_SMS_FILE_PATH = None  # the dev inbox reads sms.outbox, not files
WEBOTP_DEV_SIMULATOR = False  # the simulator's own tests switch it on
WEBOTP_SITE_NAME = "Example"
PHONENUMBER_DEFAULT_REGION = "GB"
# Two-step verification after a password sign-in: only the views marked @two_factor_required
# ask for the code (/protected/); a browser can be remembered for a week.
WEBOTP_TWO_FACTOR_REQUIRED = False
WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "enroll"
WEBOTP_TWO_FACTOR_REMEMBER_DAYS = 7
