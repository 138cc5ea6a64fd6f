"""Every system check's id and message, sorted by id: one place to read them and pick a new one.

A check's id is ``webotp.`` plus its constant's name; E010 is the message of four ids, E010 to
E013 (see the comment above it). Ids are stable and never reused, so a site's
SILENCED_SYSTEM_CHECKS keeps meaning what it meant.
"""

from __future__ import annotations

__all__ = [
    "AUTH_MIDDLEWARE_PATH",
    "BACKEND_PATH",
    "CLIENT_IP_PATH",
    "MIDDLEWARE_PATH",
    "E001",
    "E002",
    "E003",
    "E004",
    "E005",
    "E006",
    "E007",
    "E008",
    "E009",
    "E010",
    "E010_HINT",
    "E014",
    "E015",
    "E016",
    "E017",
    "E017_HINT",
    "E020",
    "E021",
    "E022",
    "E023",
    "E024",
    "E025",
    "E030",
    "E031",
    "E040",
    "E041",
    "E042",
    "E050",
    "E051",
    "E052",
    "E053",
    "E060",
    "E061",
    "E062",
    "E063",
    "E064",
    "E065",
    "E080",
    "E080_HINT",
    "E090",
    "E090_HINT",
    "E100",
    "E100_HINT",
    "E101",
    "E101_HINT",
    "E102",
    "W001",
    "W002",
    "W003",
    "W020",
    "W040",
    "W041",
    "W050",
    "W060",
    "W070",
    "W071",
    "W100",
    "W101",
]

# The dotted paths some messages name.
BACKEND_PATH = "django_webotp.backends.PhoneOTPBackend"
MIDDLEWARE_PATH = "django_webotp.middleware.TwoFactorMiddleware"
AUTH_MIDDLEWARE_PATH = "django.contrib.auth.middleware.AuthenticationMiddleware"
CLIENT_IP_PATH = "django_webotp.abuse.clients.client_ip"

E001 = "WEBOTP_SMS_BACKEND {path!r} cannot be imported: {error}"
E002 = "WEBOTP_CODE_LENGTH must be a whole number from 4 to 10."
E003 = "WEBOTP_DOMAIN {domain!r} is not a bare host name: {error}"
E004 = "{name} {value!r} is not a list of rates like '5/h,10/d'."
E005 = "{name} must be a positive whole number."
E006 = "WEBOTP_SMS_BACKEND is a development backend ({path}) while DEBUG is False."
E007 = "WEBOTP_DOMAIN is not set while DEBUG is False."
E008 = "WEBOTP_TEST_NUMBERS is set while DEBUG is False."
E009 = "WEBOTP_TEST_NUMBERS must map E.164 numbers to codes of 4 to 10 digits: {problem}."
# E010-E013: one id per provider backend (its check_id: E010 Twilio, E011 Amazon SNS, E012
# Vonage, E013 the webhook), so a site can silence just one.
E010 = "The {name} SMS backend ({path}) needs {missing}."
E010_HINT = (
    "Each provider's settings are in django-webotp's documentation: "
    "https://github.com/django-webotp/django-webotp/blob/main/docs/howto/providers.md"
)
E014 = "WEBOTP_FAILOVER_BACKENDS: {problem}"
E015 = "The {name} SMS backend ({path}) needs the {label} SDK, which is not installed."
E016 = "WEBOTP_WEBHOOK_URL is not an https:// URL while DEBUG is False."
E017 = "WEBOTP_WEBHOOK_SECRET is shorter than 32 characters."
E017_HINT = "Use a random value: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
E020 = "WEBOTP_SMS_BUDGETS must map scopes ({scopes}) to rates like '30/h,100/d'; got {value!r}."
E021 = "WEBOTP_ALLOWED_NUMBER_TYPES has names that are not phonenumbers.PhoneNumberType: {names}."
E022 = "{name} has codes that are not phone number regions: {codes}."
E023 = "WEBOTP_BOT_CHECK {path!r} cannot be imported: {error}"
E024 = (
    "WEBOTP_TRUSTED_PROXIES must be a number of proxies or a list of their networks "
    "('10.0.0.0/8'); got {value!r}."
)
E025 = "WEBOTP_DEVICE_COOKIE_DAYS must be a whole number of days (0: off), not {value!r}."
E030 = "The dev SMS inbox (django_webotp.dev.urls) is included while DEBUG is False."
E031 = "WEBOTP_DEV_SIMULATOR is on while DEBUG is False."
E040 = "WEBOTP_DELIVERY must be 'sync' or 'task', not {value!r}."
E041 = "WEBOTP_DELIVERY is 'task' but no tasks framework is installed."
E042 = (
    "WEBOTP_SEND_DEADLINE ({deadline!r}) must be a positive number of seconds below "
    "WEBOTP_WORKER_TIMEOUT ({worker!r})."
)
E050 = "WEBOTP_TWO_FACTOR_REQUIRED must be True or False, not {value!r}."
E051 = "WEBOTP_TWO_FACTOR_WITHOUT_PHONE must be 'enroll', 'deny' or 'allow', not {value!r}."
E052 = "WEBOTP_TWO_FACTOR_REMEMBER_DAYS must be a whole number of days (0: off), not {value!r}."
E053 = f"{MIDDLEWARE_PATH} must come after {AUTH_MIDDLEWARE_PATH} in MIDDLEWARE."
E060 = "WEBOTP_EMBEDDED_DOMAIN {domain!r} is not a bare host name: {error}"
E061 = "WEBOTP_EMBEDDED_DOMAIN is set but WEBOTP_DOMAIN, the top-level site's host, is not."
E062 = "WEBOTP_ANDROID_APP_HASH {value!r} is not an SMS Retriever app hash."
E063 = "WEBOTP_LINK_BASE_URL {value!r} is not a scheme and host such as 'https://example.com'."
E064 = "WEBOTP_LINK_BASE_URL is not an https:// URL while DEBUG is False."
E065 = (
    "WEBOTP_LINK is on while DEBUG is False, but neither WEBOTP_LINK_BASE_URL nor WEBOTP_DOMAIN "
    "is set: a link's host would come from the request's Host header."
)
E080 = (
    "django_webotp.urls is not included in the URLconf ('webotp' is not a registered "
    "namespace): LOGIN_URL and the sign-in pages cannot be reached."
)
E080_HINT = (
    'Add path("login/", include("django_webotp.urls")) to urlpatterns in ROOT_URLCONF '
    "(from django.urls import include, path)."
)
# The databases: the app runs on PostgreSQL and SQLite only.
E090 = (
    "The database {alias!r}, which django_webotp's models are routed to, is {name}; django-webotp "
    "supports PostgreSQL and SQLite only. On {name} Django does not create the partial unique "
    "index that makes each code single-use (models.W036), and the purge's DELETE (a LIMIT inside "
    "IN) is rejected."
)
E090_HINT = "Route django_webotp's models to a PostgreSQL or SQLite database (DATABASE_ROUTERS)."

# Passkeys (WEBOTP_PASSKEYS).
E100 = (
    "WEBOTP_PASSKEYS is on, but py_webauthn is not installed: no passkey can be registered or used."
)
E100_HINT = "pip install 'django-webotp[passkeys]'"
E101 = (
    "WEBOTP_PASSKEYS is on with DEBUG off, and WEBOTP_PASSKEY_RP_ID is not set: passkeys are "
    "bound to the relying party id, which must not be taken from the request's Host header."
)
E101_HINT = 'Set WEBOTP_PASSKEY_RP_ID to the site\'s domain, for example "example.com".'
E102 = (
    "WEBOTP_PASSKEY_ORIGINS holds {origin!r}, which is not https: browsers offer passkeys only "
    "in a secure context (https, or http://localhost while developing)."
)
W001 = f"{BACKEND_PATH} is not in AUTHENTICATION_BACKENDS, so a verified code signs nobody in."
W002 = "The rate-limit cache {alias!r} ({backend}) is not shared between processes."
W003 = "WEBOTP_DEV_SIMULATOR is on but django_webotp.dev.urls is not included, so it cannot run."
W020 = (
    "RATELIMIT_IP_META_KEY is {value!r}: set WEBOTP_TRUSTED_PROXIES instead, and "
    f"RATELIMIT_IP_META_KEY = '{CLIENT_IP_PATH}' so django-ratelimit reads the same address."
)
W040 = "WEBOTP_DELIVERY is 'task' but the task backend {backend!r} runs tasks inside the request."
W041 = (
    "The oldest of {count} queued codes has waited {age} s for a task worker (more than "
    "WEBOTP_QUEUE_STALL_AFTER, {limit} s): nobody is getting their code."
)
W043 = (
    "The failover SMS backends' timeouts add up to {total:g} s, more than WEBOTP_SEND_DEADLINE "
    "({deadline:g} s): a backend late in the list may never be tried."
)
W050 = (
    f"WEBOTP_TWO_FACTOR_REQUIRED is True but {MIDDLEWARE_PATH} is not in MIDDLEWARE, so no view "
    "requires the second step."
)
W060 = "WEBOTP_LINK_QR is on but segno is not installed, so the code page shows no QR code."
W070 = (
    "WEBOTP_STAFF_SMS_SIGNIN is on: staff and superusers whose number may sign in sign in with an "
    "SMS code alone, no password; whoever holds their phone or SIM holds the admin."
)
W071 = (
    "WEBOTP_TWO_FACTOR_REQUIRED is True and WEBOTP_SIGNUP is on: accounts made by phone sign-up "
    "have one factor, and every view that requires the second step refuses them."
)
W100 = (
    "WEBOTP_PASSKEY_RP_ID {rp_id!r} is neither a host in ALLOWED_HOSTS nor a parent domain of "
    "one: browsers refuse a relying party id that is not the page's host or its parent domain, so "
    "no passkey would work."
)
W101 = (
    'WEBOTP_PASSKEY_RECOVERY_EMAIL is on but WEBOTP_PASSKEY_SMS is not "recovery": an SMS '
    "sign-in is then no recovery, so no notice is e-mailed."
)
