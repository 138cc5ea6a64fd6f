"""Checks of the abuse defences: rate limits, SMS budgets, allowed destinations, the bot check."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from ..abuse.budgets import SCOPES
from ..abuse.clients import client_ip, proxy_networks
from ..abuse.ratelimits import RATE_RE, parse_rates
from ..conf import webotp_settings
from .messages import CLIENT_IP_PATH, E004, E020, E021, E022, E023, E024, E025, W020

__all__ = ["bot_check_errors", "budget_errors", "destination_errors", "rate_errors"]


def _rates_ok(rates: str) -> bool:
    return all(RATE_RE.match(rate) for rate in parse_rates(rates))


def rate_errors() -> list:
    errors = []
    for name in (
        "RATELIMIT_PHONE",
        "RATELIMIT_IP",
        "RATELIMIT_VERIFY_IP",
        "RATELIMIT_NEW_NUMBER",
    ):
        value = getattr(webotp_settings, name)
        if value is None:  # no limit, on purpose
            continue
        if not isinstance(value, str) or not _rates_ok(value):
            errors.append(Error(E004.format(name=f"WEBOTP_{name}", value=value), id="webotp.E004"))
    return errors + _client_errors()


def _client_errors() -> list[CheckMessage]:
    """How clients are told apart: the trusted proxies and the device cookie's lifetime."""
    errors: list[CheckMessage] = []
    proxies = webotp_settings.TRUSTED_PROXIES
    if not _proxies_ok(proxies):
        errors.append(Error(E024.format(value=proxies), id="webotp.E024"))
    days = webotp_settings.DEVICE_COOKIE_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        errors.append(Error(E025.format(value=days), id="webotp.E025"))
    meta = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if meta and meta != CLIENT_IP_PATH and meta is not client_ip:
        errors.append(Warning(W020.format(value=meta), id="webotp.W020"))
    return errors


def _proxies_ok(proxies: object) -> bool:
    if isinstance(proxies, bool):
        return False
    if isinstance(proxies, int):
        return proxies >= 0
    if proxies is None or isinstance(proxies, str) or not isinstance(proxies, list | tuple):
        return proxies is None
    try:
        proxy_networks(tuple(proxies))
    except (TypeError, ValueError):
        return False
    return True


def budget_errors() -> list:
    budgets = webotp_settings.SMS_BUDGETS
    valid = isinstance(budgets, dict) and all(
        scope in SCOPES and (rates is None or isinstance(rates, str) and _rates_ok(rates))
        for scope, rates in budgets.items()
    )
    if budgets is None or valid:
        return []
    return [Error(E020.format(scopes=", ".join(SCOPES), value=budgets), id="webotp.E020")]


def destination_errors() -> list:
    errors = []
    names = webotp_settings.ALLOWED_NUMBER_TYPES or ()
    unknown = [name for name in names if not hasattr(phonenumbers.PhoneNumberType, str(name))]
    if isinstance(names, str) or unknown:
        errors.append(Error(E021.format(names=unknown or names), id="webotp.E021"))
    for name in ("ALLOWED_REGIONS", "BLOCKED_REGIONS"):
        codes = getattr(webotp_settings, name) or ()
        if isinstance(codes, str):  # "RU" where ["RU"] was meant
            bad: object = codes
        else:
            bad = [code for code in codes if code not in phonenumbers.SUPPORTED_REGIONS]
        if bad:
            errors.append(Error(E022.format(name=f"WEBOTP_{name}", codes=bad), id="webotp.E022"))
    return errors


def bot_check_errors() -> list:
    path = webotp_settings.BOT_CHECK
    if not path or callable(path):
        return []
    try:
        import_string(path)
    except ImportError as exc:
        return [Error(E023.format(path=path, error=exc), id="webotp.E023")]
    return []
