"""Settings of the gunicorn server the concurrency proofs start (see harness.Server).

The test database, Redis as the shared cache, and no rate limits or SMS budgets unless a proof
asks for one (WEBOTP_PROOF_RATELIMIT_PHONE, WEBOTP_PROOF_SMS_BUDGET_GLOBAL). Sessions are signed
cookies: every request of a burst then carries the sign-in request itself, whatever moment the
winner's login() rotates the session, so each loser reaches the code check and gets its ordinary
answer. (With a server-side session, a request that loads the session after the rotation finds
none: a 400 "sign-in request has expired", safe, but a different proof.)
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS, MIDDLEWARE

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["WEBOTP_PROOF_REDIS_URL"],
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.concurrency.recorder.RecorderConfig"]
MIDDLEWARE = ["tests.concurrency.recorder.WorkerPidMiddleware", *MIDDLEWARE]

WEBOTP_DOMAIN = "127.0.0.1"
WEBOTP_SMS_BACKEND = os.environ.get("WEBOTP_PROOF_SMS_BACKEND") or WEBOTP_SMS_BACKEND  # noqa: F405
WEBOTP_RATELIMIT_PHONE = os.environ.get("WEBOTP_PROOF_RATELIMIT_PHONE") or None
WEBOTP_RATELIMIT_IP = None
WEBOTP_RATELIMIT_VERIFY_IP = None
WEBOTP_RESEND_COOLDOWN = 0
# The proofs send hundreds of codes to one number: SMS budgets would refuse them long before
# the rate limit a proof is about, so only the budget proof (test_budgets.py) sets one.
_GLOBAL_BUDGET = os.environ.get("WEBOTP_PROOF_SMS_BUDGET_GLOBAL")
WEBOTP_SMS_BUDGETS = {"global": _GLOBAL_BUDGET} if _GLOBAL_BUDGET else {}
WEBOTP_LINK = True  # the link's confirmation page races the code page in test_single_use

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
