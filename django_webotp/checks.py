"""System checks for misconfiguration; ids are stable and messages are constants."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .abuse.budgets import SCOPES
from .abuse.ratelimits import RATE_RE, parse_rates
from .conf import webotp_settings
from .delivery import tasks
from .delivery.links import qr_available
from .flows.two_factor import WITHOUT_PHONE_CHOICES
from .sms.backends import failover, webhook
from .sms.backends.provider import ProviderSmsBackend
from .sms_format import OriginBoundFormatError, build_origin_bound_line, check_android_app_hash

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
E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
TEST_CODE_RE = re.compile(r"^[0-9]{4,10}$")

E001 = "WEBOTP_SMS_BACKEND {path!r} cannot be imported: {error}"
E002 = "WEBOTP_CODE_LENGTH must be a whole number from 4 to 10."
E003 = "WEBOTP_DOMAIN {domain!r} is not a bare host name: {error}"
E004 = "{name} {value!r} is not a list of rates like '5/h,10/d'."
E005 = "{name} must be a positive whole number."
E006 = "WEBOTP_SMS_BACKEND is a development backend ({path}) while DEBUG is False."
E007 = "WEBOTP_DOMAIN is not set while DEBUG is False."
E008 = "WEBOTP_TEST_NUMBERS is set while DEBUG is False."
E009 = "WEBOTP_TEST_NUMBERS must map E.164 numbers to codes of 4 to 10 digits: {problem}."
E030 = "The dev SMS inbox (django_webotp.dev.urls) is included while DEBUG is False."
E031 = "WEBOTP_DEV_SIMULATOR is on while DEBUG is False."
E020 = "WEBOTP_SMS_BUDGETS must map scopes ({scopes}) to rates like '30/h,100/d'; got {value!r}."
E021 = "WEBOTP_ALLOWED_NUMBER_TYPES has names that are not phonenumbers.PhoneNumberType: {names}."
E022 = "{name} has codes that are not phone number regions: {codes}."
E023 = "WEBOTP_BOT_CHECK {path!r} cannot be imported: {error}"
# E010-E013: one id per provider backend (its check_id), so a site can silence just one.
E010 = "The {name} SMS backend ({path}) needs {missing}."
E014 = "WEBOTP_FAILOVER_BACKENDS: {problem}"
E015 = "The {name} SMS backend ({path}) needs the {label} SDK, which is not installed."
E016 = "WEBOTP_WEBHOOK_URL is not an https:// URL while DEBUG is False."
E017 = "WEBOTP_WEBHOOK_SECRET is shorter than 32 characters."
E017_HINT = "Use a random value: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
W001 = f"{BACKEND_PATH} is not in AUTHENTICATION_BACKENDS, so a verified code signs nobody in."
W002 = "The rate-limit cache {alias!r} ({backend}) is not shared between processes."
W003 = "WEBOTP_DEV_SIMULATOR is on but django_webotp.dev.urls is not included, so it cannot run."
E040 = "WEBOTP_DELIVERY must be 'sync' or 'task', not {value!r}."
E041 = "WEBOTP_DELIVERY is 'task' but no tasks framework is installed."
W040 = "WEBOTP_DELIVERY is 'task' but the task backend {backend!r} runs tasks inside the request."
MIDDLEWARE_PATH = "django_webotp.middleware.TwoFactorMiddleware"
AUTH_MIDDLEWARE_PATH = "django.contrib.auth.middleware.AuthenticationMiddleware"
E050 = "WEBOTP_TWO_FACTOR_REQUIRED must be True or False, not {value!r}."
E051 = "WEBOTP_TWO_FACTOR_WITHOUT_PHONE must be 'enroll', 'deny' or 'allow', not {value!r}."
E052 = "WEBOTP_TWO_FACTOR_REMEMBER_DAYS must be a whole number of days (0: off), not {value!r}."
E053 = f"{MIDDLEWARE_PATH} must come after {AUTH_MIDDLEWARE_PATH} in MIDDLEWARE."
W050 = (
    f"WEBOTP_TWO_FACTOR_REQUIRED is True but {MIDDLEWARE_PATH} is not in MIDDLEWARE, so no view "
    "requires the second step."
)
E060 = "WEBOTP_EMBEDDED_DOMAIN {domain!r} is not a bare host name: {error}"
E061 = "WEBOTP_EMBEDDED_DOMAIN is set but WEBOTP_DOMAIN, the top-level site's host, is not."
E062 = "WEBOTP_ANDROID_APP_HASH {value!r} is not an SMS Retriever app hash."
E063 = "WEBOTP_LINK_BASE_URL {value!r} is not a scheme and host such as 'https://example.com'."
E064 = "WEBOTP_LINK_BASE_URL is not an https:// URL while DEBUG is False."
W060 = "WEBOTP_LINK_QR is on but segno is not installed, so the code page shows no QR code."
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
        if not isinstance(value, str) or not _rates_ok(value):
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
                hint="Set it to the host people sign in on; Web OTP needs an exact match.",
                id="webotp.E007",
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


def _provider_errors() -> list:
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


def _test_number_problem(numbers) -> str | None:
    if not isinstance(numbers, dict):
        return f"{numbers!r} is not a dict"
    for number, code in numbers.items():
        if not isinstance(number, str) or not E164_RE.match(number):
            return f"{number!r} is not an E.164 number such as '+15555550100'"
        if not isinstance(code, str) or not TEST_CODE_RE.match(code):
            return f"the code of {number} must be a string of 4 to 10 digits, not {code!r}"
    return None


def _test_number_errors() -> list:
    numbers = webotp_settings.TEST_NUMBERS
    if not numbers:
        return []
    errors = []
    problem = _test_number_problem(numbers)
    if problem:
        errors.append(Error(E009.format(problem=problem), id="webotp.E009"))
    if not settings.DEBUG and webotp_settings.TEST_NUMBERS_IN_PRODUCTION is not True:
        errors.append(
            Error(
                E008,
                hint=(
                    "Anyone who knows a test number and its code signs in as it. Remove "
                    "WEBOTP_TEST_NUMBERS, or set WEBOTP_TEST_NUMBERS_IN_PRODUCTION = True to "
                    "acknowledge that (for app-store review, for example)."
                ),
                id="webotp.E008",
            )
        )
    return errors


def _dev_inbox_included() -> bool:
    try:
        reverse("webotp_dev:inbox")
    except NoReverseMatch:
        return False
    except Exception:  # a URLconf that fails to load is Django's own check (urls.E004...) to report
        return False
    return True


def _dev_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    included = _dev_inbox_included()
    if not settings.DEBUG and included:
        errors.append(
            Error(
                E030,
                hint="Include django_webotp.dev.urls only in development settings or URLconfs.",
                id="webotp.E030",
            )
        )
    if webotp_settings.DEV_SIMULATOR:
        if not settings.DEBUG:
            errors.append(
                Error(E031, hint="Set WEBOTP_DEV_SIMULATOR only in development.", id="webotp.E031")
            )
        elif not included:
            errors.append(
                Warning(
                    W003,
                    hint='Add path("dev/", include("django_webotp.dev.urls")) to your URLconf.',
                    id="webotp.W003",
                )
            )
    return errors


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


def _budget_errors() -> list:
    budgets = webotp_settings.SMS_BUDGETS
    valid = isinstance(budgets, dict) and all(
        scope in SCOPES and (rates is None or isinstance(rates, str) and _rates_ok(rates))
        for scope, rates in budgets.items()
    )
    if budgets is None or valid:
        return []
    return [Error(E020.format(scopes=", ".join(SCOPES), value=budgets), id="webotp.E020")]


def _rates_ok(rates: str) -> bool:
    return all(RATE_RE.match(rate) for rate in parse_rates(rates))


def _destination_errors() -> list:
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


def _bot_check_errors() -> list:
    path = webotp_settings.BOT_CHECK
    if not path or callable(path):
        return []
    try:
        import_string(path)
    except ImportError as exc:
        return [Error(E023.format(path=path, error=exc), id="webotp.E023")]
    return []


def _delivery_problems() -> list:
    delivery = webotp_settings.DELIVERY
    if delivery == "sync":
        return []
    if delivery != "task":
        return [Error(E040.format(value=delivery), id="webotp.E040")]
    if not tasks.TASKS_AVAILABLE:
        return [
            Error(
                E041,
                hint='On Django 5.2: pip install "django-webotp[tasks]"; Django 6 has it built in.',
                id="webotp.E041",
            )
        ]
    configured = getattr(settings, "TASKS", None) or {}
    backend = configured.get("default", {}).get("BACKEND", tasks.DEFAULT_TASK_BACKEND)
    if not settings.DEBUG and backend in IMMEDIATE_TASK_BACKENDS:
        return [
            Warning(
                W040.format(backend=backend),
                hint="Use a task backend with a worker, or WEBOTP_DELIVERY = 'sync'.",
                id="webotp.W040",
            )
        ]
    return []


def _two_factor_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    required = webotp_settings.TWO_FACTOR_REQUIRED
    if not isinstance(required, bool):
        problems.append(Error(E050.format(value=required), id="webotp.E050"))
    without = webotp_settings.TWO_FACTOR_WITHOUT_PHONE
    if without not in WITHOUT_PHONE_CHOICES:
        problems.append(Error(E051.format(value=without), id="webotp.E051"))
    days = webotp_settings.TWO_FACTOR_REMEMBER_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        problems.append(Error(E052.format(value=days), id="webotp.E052"))
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE_PATH in middleware:
        if AUTH_MIDDLEWARE_PATH not in middleware[: middleware.index(MIDDLEWARE_PATH)]:
            problems.append(Error(E053, id="webotp.E053"))
    elif required is True:
        problems.append(
            Warning(
                W050,
                hint=f"Add {MIDDLEWARE_PATH!r} to MIDDLEWARE after AuthenticationMiddleware.",
                id="webotp.W050",
            )
        )
    return problems


_BASE_URL = re.compile(r"https?://[^/?#@\s]+/?")


def _format_errors() -> list[CheckMessage]:
    """The iframe host and the Android app hash on the SMS's last line."""
    errors: list[CheckMessage] = []
    embedded = webotp_settings.EMBEDDED_DOMAIN
    if embedded:
        try:
            build_origin_bound_line("example.com", "0000", embedded)
        except OriginBoundFormatError as exc:
            errors.append(
                Error(
                    E060.format(domain=embedded, error=exc),
                    hint="Write the iframe's host only: login.example.com, not a URL.",
                    id="webotp.E060",
                )
            )
        if not webotp_settings.DOMAIN:
            errors.append(
                Error(
                    E061,
                    hint="Without it the request's host, the iframe's own, would be taken as the "
                    "top-level host. Set WEBOTP_DOMAIN to the host in the address bar.",
                    id="webotp.E061",
                )
            )
    app_hash = webotp_settings.ANDROID_APP_HASH
    if app_hash is not None:
        try:
            check_android_app_hash(app_hash)
        except OriginBoundFormatError as exc:
            errors.append(
                Error(
                    E062.format(value=app_hash),
                    hint=f"{exc}. Compute it with Google's AppSignatureHelper or keytool.",
                    id="webotp.E062",
                )
            )
    return errors


def _link_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    base = webotp_settings.LINK_BASE_URL
    if base is not None and not (isinstance(base, str) and _BASE_URL.fullmatch(base)):
        problems.append(
            Error(
                E063.format(value=base),
                hint="No path, query or fragment: the app adds its own URL.",
                id="webotp.E063",
            )
        )
    elif base is not None and not settings.DEBUG and not base.startswith("https://"):
        problems.append(
            Error(E064, hint="Links carry sign-in codes: serve them over TLS.", id="webotp.E064")
        )
    if webotp_settings.LINK_QR and not qr_available():
        problems.append(Warning(W060, hint="pip install django-webotp[qr]", id="webotp.W060"))
    return problems


@register(Tags.security, Tags.compatibility)
def check_settings(app_configs=None, **kwargs) -> list:
    return [
        *_backend_errors(),
        *_provider_errors(),
        *_number_errors(),
        *_rate_errors(),
        *_domain_errors(),
        *_budget_errors(),
        *_destination_errors(),
        *_bot_check_errors(),
        *_test_number_errors(),
        *_dev_errors(),
        *_deployment_warnings(),
        *_delivery_problems(),
        *_two_factor_problems(),
        *_format_errors(),
        *_link_problems(),
    ]
