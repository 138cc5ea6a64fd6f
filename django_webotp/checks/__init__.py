"""System checks for misconfiguration; ids are stable and messages are constants.

One module per feature holds its checks; ``messages`` holds every id and message, sorted by id.
Every id's message and the names the checks compare against are importable from here too.
"""

from __future__ import annotations

from django.core.checks import Tags, register

from .abuse import bot_check_errors, budget_errors, destination_errors, rate_errors
from .accounts import account_warnings, staff_sms_signin_warnings
from .codes import code_errors
from .databases import UNSUPPORTED_VENDORS, database_errors
from .delivery import IMMEDIATE_TASK_BACKENDS, delivery_problems, queue_warnings
from .deployment import UNSHARED_CACHES, deployment_warnings
from .dev_tools import dev_errors
from .fixed_numbers import E164_RE, TEST_CODE_RE, test_number_errors
from .formats import domain_errors, format_errors
from .links import link_problems
from .messages import (
    AUTH_MIDDLEWARE_PATH,
    BACKEND_PATH,
    E001,
    E002,
    E003,
    E004,
    E005,
    E006,
    E007,
    E008,
    E009,
    E010,
    E014,
    E015,
    E016,
    E017,
    E017_HINT,
    E020,
    E021,
    E022,
    E023,
    E030,
    E031,
    E040,
    E041,
    E042,
    E050,
    E051,
    E052,
    E053,
    E060,
    E061,
    E062,
    E063,
    E064,
    E065,
    E080,
    E080_HINT,
    E090,
    E090_HINT,
    E100,
    E100_HINT,
    E101,
    E101_HINT,
    E102,
    MIDDLEWARE_PATH,
    W001,
    W002,
    W003,
    W040,
    W041,
    W043,
    W050,
    W060,
    W070,
    W071,
    W100,
    W101,
)
from .passkeys import passkey_problems
from .sms_backends import DEV_SMS_BACKENDS, backend_errors, deadline_problems, provider_errors
from .two_factor import two_factor_problems
from .urlconf import url_errors

__all__ = [
    "AUTH_MIDDLEWARE_PATH",
    "BACKEND_PATH",
    "DEV_SMS_BACKENDS",
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
    "E014",
    "E015",
    "E016",
    "E017",
    "E017_HINT",
    "E020",
    "E021",
    "E022",
    "E023",
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
    "E164_RE",
    "IMMEDIATE_TASK_BACKENDS",
    "MIDDLEWARE_PATH",
    "TEST_CODE_RE",
    "UNSHARED_CACHES",
    "UNSUPPORTED_VENDORS",
    "W001",
    "W002",
    "W003",
    "W040",
    "W041",
    "W043",
    "W050",
    "W060",
    "W070",
    "W071",
    "W100",
    "W101",
    "account_warnings",
    "check_queue",
    "check_settings",
    "staff_sms_signin_warnings",
]


@register(Tags.security, Tags.compatibility)
def check_settings(app_configs=None, **kwargs) -> list:
    return [
        *database_errors(),
        *backend_errors(),
        *provider_errors(),
        *deadline_problems(),
        *code_errors(),
        *rate_errors(),
        *domain_errors(),
        *budget_errors(),
        *destination_errors(),
        *bot_check_errors(),
        *test_number_errors(),
        *dev_errors(),
        *deployment_warnings(),
        *delivery_problems(),
        *two_factor_problems(),
        *account_warnings(),
        *format_errors(),
        *link_problems(),
        *url_errors(),
        *passkey_problems(),
    ]


@register(Tags.database)
def check_queue(app_configs=None, databases=None, **kwargs) -> list:
    """Reads the database, so only under ``manage.py check --database default`` (and migrate):
    a monitor runs it with ``--fail-level WARNING`` to hear about a stalled task queue."""
    return queue_warnings(databases or ())
