"""The ``WEBOTP_*`` settings, read lazily so ``override_settings`` just works.

Every default lives in ``DEFAULTS`` below and nowhere else; the README's settings table mirrors it.
Nothing here ever writes into ``django.conf.settings``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

__all__ = ["DEFAULTS", "webotp_settings"]

DEFAULTS: dict[str, Any] = {
    # Dotted path of the SMS backend class, like EMAIL_BACKEND.
    "SMS_BACKEND": "django_webotp.sms.backends.console.SmsBackend",
    # Directory of the filebased backend.
    "SMS_FILE_PATH": None,
    # Host put in the origin-bound line "@host #code"; None: the request's host without port.
    "DOMAIN": None,
    # Region for numbers typed without "+"; None: PHONENUMBER_DEFAULT_REGION.
    "DEFAULT_REGION": None,
    # Digits in a code.
    "CODE_LENGTH": 6,
    # Seconds a code stays valid.
    "CODE_TTL": 300,
    # Wrong codes accepted per challenge before it locks.
    "MAX_ATTEMPTS": 5,
    # Whether a verified unknown number creates an account.
    "SIGNUP": True,
    # Seconds between a code and a resent one, per challenge.
    "RESEND_COOLDOWN": 30,
    # Site name used in the SMS text; None: the current Site's name or the domain.
    "SITE_NAME": None,
    # Callable (dotted path) that makes a user for a new phone number.
    "CREATE_USER": "django_webotp.backends.create_user",
    # "sync": the request sends the SMS. "task": the request enqueues it on Django's tasks
    # framework (django.tasks; the django-tasks backport on Django 5.2) and a worker sends it.
    "DELIVERY": "sync",
    # Rate limits, comma-separated django-ratelimit rates ("5/h,10/d").
    "RATELIMIT_PHONE": "5/h,10/d",  # codes requested per phone number
    "RATELIMIT_IP": "20/h",  # codes requested per client IP
    "RATELIMIT_VERIFY_IP": "30/10m",  # code submissions per client IP
}


class WebOTPSettings:
    """Attribute access to ``WEBOTP_<NAME>``, falling back to ``DEFAULTS`` on every read."""

    prefix = "WEBOTP_"

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown django-webotp setting: {self.prefix}{name}")
        return getattr(django_settings, self.prefix + name, DEFAULTS[name])

    def __dir__(self) -> list[str]:
        return sorted(DEFAULTS)


webotp_settings = WebOTPSettings()
