"""System checks for the provider backends (ids webotp.E010-E017), compared as whole results."""

import sys

import pytest
from django.core.checks import Error
from django.test import override_settings

from django_webotp.checks import check_settings
from tests.support.providers import SECRETS

TWILIO = "django_webotp.sms.backends.twilio.SmsBackend"
SNS = "django_webotp.sms.backends.sns.SmsBackend"
VONAGE = "django_webotp.sms.backends.vonage.SmsBackend"
WEBHOOK = "django_webotp.sms.backends.webhook.SmsBackend"
FAILOVER = "django_webotp.sms.backends.failover.SmsBackend"
LOCMEM = "django_webotp.sms.backends.locmem.SmsBackend"
HINT = (
    "Each provider's settings are in django-webotp's documentation: "
    "https://github.com/django-webotp/django-webotp/blob/main/docs/howto/providers.md"
)


@pytest.fixture(autouse=True)
def production(settings):
    """A site that passes every other check with DEBUG off (as pytest-django runs tests)."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.project.urls_without_dev"
    settings.WEBOTP_DOMAIN = "example.com"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}


def missing(name, path, what, check_id):
    return Error(f"The {name} SMS backend ({path}) needs {what}.", hint=HINT, id=check_id)


def failover_error(problem):
    return Error(
        f"WEBOTP_FAILOVER_BACKENDS: {problem}",
        hint='List backends as dotted paths or {"BACKEND": path, "OPTIONS": {...}}.',
        id="webotp.E014",
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            TWILIO,
            missing(
                "twilio",
                TWILIO,
                "WEBOTP_TWILIO_ACCOUNT_SID; WEBOTP_TWILIO_AUTH_TOKEN (or WEBOTP_TWILIO_API_KEY "
                "with WEBOTP_TWILIO_API_SECRET); WEBOTP_TWILIO_FROM or "
                "WEBOTP_TWILIO_MESSAGING_SERVICE_SID",
                "webotp.E010",
            ),
        ),
        (SNS, missing("sns", SNS, "WEBOTP_SNS_REGION", "webotp.E011")),
        (
            VONAGE,
            missing(
                "vonage",
                VONAGE,
                "WEBOTP_VONAGE_API_KEY; WEBOTP_VONAGE_API_SECRET; WEBOTP_VONAGE_FROM",
                "webotp.E012",
            ),
        ),
        (
            WEBHOOK,
            missing("webhook", WEBHOOK, "WEBOTP_WEBHOOK_URL; WEBOTP_WEBHOOK_SECRET", "webotp.E013"),
        ),
    ],
)
def test_a_provider_without_its_settings(path, expected):
    with override_settings(WEBOTP_SMS_BACKEND=path):
        assert check_settings() == [expected]


@override_settings(
    WEBOTP_SMS_BACKEND=TWILIO,
    WEBOTP_TWILIO_ACCOUNT_SID="AC123",
    WEBOTP_TWILIO_API_KEY="SK123",
    WEBOTP_TWILIO_MESSAGING_SERVICE_SID="MG123",
)
def test_half_an_api_key_is_reported():
    assert check_settings() == [
        missing(
            "twilio",
            TWILIO,
            "both WEBOTP_TWILIO_API_KEY and WEBOTP_TWILIO_API_SECRET",
            "webotp.E010",
        )
    ]


@override_settings(
    WEBOTP_SMS_BACKEND=TWILIO,
    WEBOTP_TWILIO_ACCOUNT_SID="AC123",
    WEBOTP_TWILIO_AUTH_TOKEN="token",
    WEBOTP_TWILIO_FROM="+15005550006",
)
def test_a_configured_provider_passes_and_a_missing_sdk_is_named(monkeypatch):
    assert check_settings() == []
    monkeypatch.setitem(sys.modules, "twilio.rest", None)
    assert check_settings() == [
        Error(
            f"The twilio SMS backend ({TWILIO}) needs the Twilio SDK, which is not installed.",
            hint="pip install django-webotp[twilio]",
            id="webotp.E015",
        )
    ]


@override_settings(
    WEBOTP_SMS_BACKEND=WEBHOOK,
    WEBOTP_WEBHOOK_URL="http://gateway.internal/sms",
    WEBOTP_WEBHOOK_SECRET="short",
)
def test_webhook_in_production_needs_https_and_a_long_secret():
    assert check_settings() == [
        Error(
            "WEBOTP_WEBHOOK_URL is not an https:// URL while DEBUG is False.",
            hint="The request carries the code in clear: use TLS to reach the gateway.",
            id="webotp.E016",
        ),
        Error(
            "WEBOTP_WEBHOOK_SECRET is shorter than 32 characters.",
            hint="Use a random value: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
            id="webotp.E017",
        ),
    ]
    with override_settings(
        WEBOTP_WEBHOOK_URL="https://gateway.internal/sms",
        WEBOTP_WEBHOOK_SECRET=SECRETS["webhook_secret"],
    ):
        assert check_settings() == []


@override_settings(
    WEBOTP_SMS_BACKEND=WEBHOOK, WEBOTP_WEBHOOK_URL="http://127.0.0.1:8025/", DEBUG=True
)
def test_plain_http_gateway_is_fine_while_debugging():
    with override_settings(WEBOTP_WEBHOOK_SECRET=SECRETS["webhook_secret"]):
        assert check_settings() == []


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], [failover_error("it is empty while the failover backend is selected.")]),
        ([FAILOVER], [failover_error("it contains the failover backend itself.")]),
        (
            [LOCMEM, "no.such.Backend"],
            [failover_error("'no.such.Backend' cannot be imported: No module named 'no'")],
        ),
        (
            [{"OPTIONS": {}}],
            [
                failover_error(
                    "{'OPTIONS': {}} is not a valid entry. Each WEBOTP_FAILOVER_BACKENDS entry is "
                    'a dotted path or {"BACKEND": path, "OPTIONS": {...}}.'
                )
            ],
        ),
        # Each provider in the list is checked, with its OPTIONS counted as settings (timeouts
        # that fit in the send deadline together: webotp.W043 otherwise).
        (
            [
                {"BACKEND": SNS, "OPTIONS": {"region": "eu-west-1", "timeout": 5}},
                {"BACKEND": VONAGE, "OPTIONS": {"api_key": "k", "api_secret": "s", "timeout": 5}},
                LOCMEM,
            ],
            [missing("vonage", VONAGE, "WEBOTP_VONAGE_FROM", "webotp.E012")],
        ),
    ],
)
def test_failover_list(entries, expected):
    with override_settings(WEBOTP_SMS_BACKEND=FAILOVER, WEBOTP_FAILOVER_BACKENDS=entries):
        assert check_settings() == expected


@override_settings(WEBOTP_SMS_BACKEND="no.such.Backend")
def test_an_unimportable_backend_is_only_reported_once():
    assert [error.id for error in check_settings()] == ["webotp.E001"]
