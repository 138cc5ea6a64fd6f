"""Checks of the SMS backend: that it imports, that it delivers in production, and that each
provider (or each backend of a failover list) has its settings and its SDK."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..conf import webotp_settings
from ..sms.backends import failover, webhook
from ..sms.backends.provider import ProviderSmsBackend
from .messages import E001, E006, E010, E014, E015, E016, E017, E017_HINT

__all__ = ["DEV_SMS_BACKENDS", "backend_errors", "provider_errors"]

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
                    hint="See the README's Going live section for each provider's settings.",
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
