"""Checks of the SMS backend: that it imports, that it delivers in production, and that each
provider (or each backend of a failover list) has its settings and its SDK."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..conf import webotp_settings
from ..sms.backends import failover, webhook
from ..sms.backends.provider import ProviderSmsBackend
from .messages import (
    E001,
    E006,
    E010,
    E010_HINT,
    E014,
    E015,
    E016,
    E017,
    E017_HINT,
    E042,
    W043,
)

__all__ = ["DEV_SMS_BACKENDS", "backend_errors", "deadline_problems", "provider_errors"]

DEV_SMS_BACKENDS = {
    "django_webotp.sms.backends.console.SmsBackend",
    "django_webotp.sms.backends.locmem.SmsBackend",
    "django_webotp.sms.backends.filebased.SmsBackend",
}


def backend_errors() -> list:
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


def _configured_backends() -> tuple[list, list]:
    """``(errors, [(path, class, options)])`` for WEBOTP_SMS_BACKEND, or its failover list."""
    path = webotp_settings.SMS_BACKEND
    try:
        klass = import_string(path)
    except ImportError:
        return [], []  # E001 already says so
    if not (isinstance(klass, type) and issubclass(klass, failover.SmsBackend)):
        return [], [(path, klass, {})]
    entries = webotp_settings.FAILOVER_BACKENDS
    if not entries:
        return [_failover_error("it is empty while the failover backend is selected.")], []
    errors, backends = [], []
    for entry in entries:
        try:
            entry_path, options = failover.parse_entry(entry)
        except ImproperlyConfigured as exc:
            errors.append(_failover_error(f"{entry!r} is not a valid entry. {exc}"))
            continue
        try:
            entry_class = import_string(entry_path)
        except ImportError as exc:
            errors.append(_failover_error(f"{entry_path!r} cannot be imported: {exc}"))
            continue
        if isinstance(entry_class, type) and issubclass(entry_class, failover.SmsBackend):
            errors.append(_failover_error("it contains the failover backend itself."))
            continue
        backends.append((entry_path, entry_class, options))
    return errors, backends


def _failover_error(problem: str) -> Error:
    return Error(
        E014.format(problem=problem),
        hint='List backends as dotted paths or {"BACKEND": path, "OPTIONS": {...}}.',
        id="webotp.E014",
    )


def provider_errors() -> list:
    errors, backends = _configured_backends()
    for path, klass, options in backends:
        if not (isinstance(klass, type) and issubclass(klass, ProviderSmsBackend)):
            continue
        config = klass.resolve(options)
        missing = klass.missing_settings(config)
        if missing and klass.check_id:
            errors.append(
                Error(
                    E010.format(name=klass.name, path=path, missing="; ".join(missing)),
                    hint=E010_HINT,
                    id=klass.check_id,
                )
            )
        if not klass.sdk_installed():
            errors.append(
                Error(
                    E015.format(name=klass.name, path=path, label=klass.label),
                    hint=f"pip install django-webotp[{klass.extra}]",
                    id="webotp.E015",
                )
            )
        if issubclass(klass, webhook.SmsBackend):
            errors.extend(_webhook_errors(config))
    return errors


def _seconds(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def deadline_problems() -> list:
    """The send deadline must end before the web server kills the worker (sync delivery), and
    the failover backends' own timeouts should fit in it, or the last ones never get a turn."""
    deadline, worker = webotp_settings.SEND_DEADLINE, webotp_settings.WORKER_TIMEOUT
    sync = webotp_settings.DELIVERY != "task"
    if not (_seconds(deadline) and _seconds(worker)) or (sync and deadline >= worker):
        return [
            Error(
                E042.format(deadline=deadline, worker=worker),
                hint="Set WEBOTP_WORKER_TIMEOUT to your server's (gunicorn --timeout) and the "
                "deadline a few seconds lower; better, send codes with WEBOTP_DELIVERY = 'task'.",
                id="webotp.E042",
            )
        ]
    total = sum(_failover_timeouts())
    if total > deadline:
        return [
            Warning(
                W043.format(total=total, deadline=deadline),
                hint="Give each failover backend a shorter timeout (its OPTIONS), or raise "
                "WEBOTP_SEND_DEADLINE while it stays below WEBOTP_WORKER_TIMEOUT.",
                id="webotp.W043",
            )
        ]
    return []


def _failover_timeouts() -> list[float]:
    """Each failover provider backend's own timeout; none unless failover is the backend."""
    try:
        selected = import_string(webotp_settings.SMS_BACKEND)
    except ImportError:
        return []  # E001 already says so
    if not (isinstance(selected, type) and issubclass(selected, failover.SmsBackend)):
        return []
    _errors, backends = _configured_backends()
    timeouts = [
        klass.resolve(options)["timeout"] or webotp_settings.SMS_TIMEOUT
        for _path, klass, options in backends
        if isinstance(klass, type) and issubclass(klass, ProviderSmsBackend)
    ]
    return [timeout for timeout in timeouts if _seconds(timeout)]


def _webhook_errors(config: dict) -> list:
    errors = []
    url, secret = config.get("url"), config.get("secret")
    if url and not settings.DEBUG and not str(url).startswith("https://"):
        errors.append(
            Error(
                E016,
                hint="The request carries the code in clear: use TLS to reach the gateway.",
                id="webotp.E016",
            )
        )
    if secret and len(secret) < 32:
        errors.append(
            Error(
                E017,
                hint=E017_HINT,
                id="webotp.E017",
            )
        )
    return errors
