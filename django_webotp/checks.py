"""System checks for misconfiguration; ids are stable and messages are constants."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .conf import webotp_settings
from .throttling import parse_rates
from .sms_format import OriginBoundFormatError, build_origin_bound_line

__all__ = ["check_settings"]

BACKEND_PATH = "django_webotp.backends.PhoneOTPBackend"
DEV_SMS_BACKENDS = {
    "django_webotp.sms.backends.console.SmsBackend",
    "django_webotp.sms.backends.locmem.SmsBackend",
    "django_webotp.sms.backends.filebased.SmsBackend",
}
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
RATE_RE = re.compile(r"^\d+/\d*[smhd]$")

E001 = "WEBOTP_SMS_BACKEND {path!r} cannot be imported: {error}"
E002 = "WEBOTP_CODE_LENGTH must be a whole number from 4 to 10."
E003 = "WEBOTP_DOMAIN {domain!r} is not a bare host name: {error}"
E004 = "{name} {value!r} is not a list of rates like '5/h,10/d'."
E005 = "{name} must be a positive whole number."
E006 = "WEBOTP_SMS_BACKEND is a development backend ({path}) while DEBUG is False."
E007 = "WEBOTP_DOMAIN is not set while DEBUG is False."
E008 = "WEBOTP_DELIVERY must be 'sync' or 'task', not {value!r}."
E009 = "WEBOTP_DELIVERY is 'task' but no tasks framework is installed."
W001 = f"{BACKEND_PATH} is not in AUTHENTICATION_BACKENDS, so a verified code signs nobody in."
W002 = "The rate-limit cache {alias!r} ({backend}) is not shared between processes."
W003 = "WEBOTP_DELIVERY is 'task' but the task backend {backend!r} runs tasks inside the request."
IMMEDIATE_TASK_BACKENDS = {
    "django.tasks.backends.immediate.ImmediateBackend",
    "django_tasks.backends.immediate.ImmediateBackend",
}


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _backend_errors() -> list:
    path = webotp_settings.SMS_BACKEND
    try:
        import_string(path)
    except ImportError as exc:
        return [
            Error(
                E001.format(path=path, error=exc),
                hint="Use a dotted path such as django_webotp.sms.backends.console.SmsBackend.",
                id="webotp.E001",
            )
        ]
    if not settings.DEBUG and path in DEV_SMS_BACKENDS:
        return [
            Error(
                E006.format(path=path),
                hint="Choose a backend that delivers SMS to phones.",
                id="webotp.E006",
            )
        ]
    return []


def _number_errors() -> list:
    errors = []
    length = webotp_settings.CODE_LENGTH
    if not _positive_int(length) or not 4 <= length <= 10:
        errors.append(Error(E002, id="webotp.E002"))
    for name in ("CODE_TTL", "MAX_ATTEMPTS"):
        if not _positive_int(getattr(webotp_settings, name)):
            errors.append(Error(E005.format(name=f"WEBOTP_{name}"), id="webotp.E005"))
    resend = webotp_settings.RESEND_COOLDOWN
    if not isinstance(resend, int) or isinstance(resend, bool) or resend < 0:
        errors.append(Error(E005.format(name="WEBOTP_RESEND_COOLDOWN"), id="webotp.E005"))
    return errors


def _rate_errors() -> list:
    errors = []
    for name in ("RATELIMIT_PHONE", "RATELIMIT_IP", "RATELIMIT_VERIFY_IP"):
        value = getattr(webotp_settings, name)
        if value is None:  # no limit, on purpose
            continue
        if not isinstance(value, str) or not all(RATE_RE.match(r) for r in parse_rates(value)):
            errors.append(Error(E004.format(name=f"WEBOTP_{name}", value=value), id="webotp.E004"))
    return errors


def _domain_errors() -> list:
    domain = webotp_settings.DOMAIN
    if domain:
        try:
            build_origin_bound_line(domain, "0000")
        except OriginBoundFormatError as exc:
            return [
                Error(
                    E003.format(domain=domain, error=exc),
                    hint="Write the host only: example.com, not https://example.com:443/.",
                    id="webotp.E003",
                )
            ]
    elif not settings.DEBUG:
        return [
            Error(
                E007,
                hint="Set WEBOTP_DOMAIN to the host people sign in on; Web OTP needs an exact match.",
                id="webotp.E007",
            )
        ]
    return []


def _deployment_warnings() -> list:
    warnings = []
    if BACKEND_PATH not in settings.AUTHENTICATION_BACKENDS:
        warnings.append(Warning(W001, id="webotp.W001"))
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if not settings.DEBUG and backend in UNSHARED_CACHES:
        warnings.append(
            Warning(
                W002.format(alias=alias, backend=backend),
                hint="Rate limits then count per process; use RedisCache or Memcached.",
                id="webotp.W002",
            )
        )
    return warnings


def _delivery_problems() -> list:
    delivery = webotp_settings.DELIVERY
    if delivery == "sync":
        return []
    if delivery != "task":
        return [Error(E008.format(value=delivery), id="webotp.E008")]
    from . import tasks

    if not tasks.TASKS_AVAILABLE:
        return [
            Error(
                E009,
                hint='On Django 5.2: pip install "django-webotp[tasks]"; Django 6 has it built in.',
                id="webotp.E009",
            )
        ]
    configured = getattr(settings, "TASKS", None) or {}
    backend = configured.get("default", {}).get("BACKEND", tasks.DEFAULT_TASK_BACKEND)
    if not settings.DEBUG and backend in IMMEDIATE_TASK_BACKENDS:
        return [
            Warning(
                W003.format(backend=backend),
                hint="Use a task backend with a worker, or WEBOTP_DELIVERY = 'sync'.",
                id="webotp.W003",
            )
        ]
    return []


@register(Tags.security, Tags.compatibility)
def check_settings(app_configs=None, **kwargs) -> list:
    return [
        *_backend_errors(),
        *_number_errors(),
        *_rate_errors(),
        *_domain_errors(),
        *_deployment_warnings(),
        *_delivery_problems(),
    ]
