"""The test site with django-allauth 65 (phone login by code) and django-two-factor-auth 1.18
installed beside the app: ``pytest --ds tests.integrations.settings tests/integrations``.

The normal run (tests.settings) does not collect tests/integrations (its conftest.py)."""

from tests.settings import *  # noqa: F403
from tests.settings import BASE_DIR, INSTALLED_APPS, MIDDLEWARE, TEMPLATES

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "two_factor.plugins.phonenumber",
    "tests.integrations",
]
MIDDLEWARE = [
    *MIDDLEWARE,
    "allauth.account.middleware.AccountMiddleware",
    "two_factor.middleware.threadlocals.ThreadLocals",
]
# The site's overrides of allauth's code pages (the include docs/howto/allauth.md shows) first.
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [BASE_DIR / "integrations" / "templates", *TEMPLATES[0]["DIRS"]]}
]
ROOT_URLCONF = "tests.integrations.urls"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

ACCOUNT_ADAPTER = "tests.integrations.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_RATE_LIMITS = False  # allauth's own limits; the app's budgets are what is tested here

TWO_FACTOR_SMS_GATEWAY = "django_webotp.integrations.two_factor_auth.Gateway"
