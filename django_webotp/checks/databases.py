"""The databases the app's models are routed to: PostgreSQL or SQLite, never MySQL or MariaDB."""

from __future__ import annotations

from django.apps import apps
from django.core.checks import CheckMessage, Error
from django.db import connections, router

from .messages import E090, E090_HINT

__all__ = ["UNSUPPORTED_VENDORS", "database_errors", "model_databases"]

# Django's ``connection.vendor`` of the backends the app refuses (MariaDB's is "mysql" too).
UNSUPPORTED_VENDORS = {"mysql": "MySQL or MariaDB"}


def model_databases() -> list[str]:
    """Every database alias a router sends one of the app's models to, read or write, in
    DATABASES order."""
    aliases = set()
    for model in apps.get_app_config("django_webotp").get_models():
        aliases |= {router.db_for_read(model), router.db_for_write(model)}
    return [alias for alias in connections if alias in aliases]


def database_errors() -> list[CheckMessage]:
    """Reads each backend's ``vendor`` attribute only: no query, so it runs in every check."""
    errors: list[CheckMessage] = []
    for alias in model_databases():
        vendor = connections[alias].vendor
        if vendor in UNSUPPORTED_VENDORS:
            errors.append(
                Error(
                    E090.format(alias=alias, name=UNSUPPORTED_VENDORS[vendor]),
                    hint=E090_HINT,
                    id="webotp.E090",
                )
            )
    return errors
