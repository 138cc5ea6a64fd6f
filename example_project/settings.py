"""Settings of the example site: SQLite, SMS to files and the terminal, DEBUG on.

Not for production.

A settings module that extends it can start with ``from example_project.settings import *``.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "example-only-insecure-key-do-not-use-in-production"
)
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "django_webotp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: each request is answered in the browser's language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-step verification after a password login (docs/howto/two-factor.md).
    "django_webotp.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

WSGI_APPLICATION = "example_project.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB_PATH", BASE_DIR / "db.sqlite3"),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django_webotp.backends.PhoneOTPBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "webotp:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
# The languages django-webotp ships: a browser that asks for Spanish gets its pages, and its
# SMS, in Spanish (LocaleMiddleware above reads Accept-Language).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the example's own pages; the app brings its catalog
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-webotp: each SMS is written under sms-outbox/ (the dev SMS inbox at /dev/sms/ lists
# them) and printed in the terminal that runs the server.
WEBOTP_SMS_BACKEND = "example_project.sms_backend.SmsBackend"
WEBOTP_SMS_FILE_PATH = BASE_DIR / "sms-outbox"
# The code page fills itself in from the dev inbox, in any browser (development only).
WEBOTP_DEV_SIMULATOR = True
WEBOTP_SITE_NAME = "Example"
# Passkeys after the SMS: offered once signed in, accepted on the phone page. While DEBUG is on
# they are bound to the request's host, so open http://localhost:8000 (an IP address cannot be
# a passkey's relying party; the phone page says so when it is one).
WEBOTP_PASSKEYS = DEBUG
PHONENUMBER_DEFAULT_REGION = "GB"
# Two-step verification after a password sign-in (/password-login/): only the views marked
# @two_factor_required ask for the code here (/protected/); a browser can be remembered for a week.
WEBOTP_TWO_FACTOR_REQUIRED = False
WEBOTP_TWO_FACTOR_WITHOUT_PHONE = "enroll"
WEBOTP_TWO_FACTOR_REMEMBER_DAYS = 7
