"""django-allauth 65 (from PyPI): sign-in by a code sent by SMS, through its headless JSON API.

Phone as the only login method, login by code on, the headless browser client (session
cookie and CSRF token, like django-webotp's JSON API). Its rate limits stay on, counted in the
Redis cache, relaxed (same shape) so that the load never trips them. The adapter says where a
user's number lives (the username, as every target here) and puts each SMS in the inbox.
"""

from bench.targets.base import *  # noqa: F403
from bench.targets.base import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "allauth", "allauth.account", "allauth.headless"]
MIDDLEWARE = [*MIDDLEWARE, "allauth.account.middleware.AccountMiddleware"]
ROOT_URLCONF = "bench.targets.allauth.urls"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

ACCOUNT_ADAPTER = "bench.targets.allauth.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_RATE_LIMITS = {
    "login": "1000000/m/ip",
    "login_failed": "1000000/m/ip,1000000/300s/key",
    "request_login_code": "1000000/m/ip,1000000/m/key",
}
HEADLESS_ONLY = True
HEADLESS_FRONTEND_URLS = {
    "account_signup": "http://127.0.0.1/signup",
    "account_confirm_email": "http://127.0.0.1/verify-email/{key}",
    "account_reset_password_from_key": "http://127.0.0.1/password/reset/{key}",
}
