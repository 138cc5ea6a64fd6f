"""webotp.E090: the app's models on MySQL or MariaDB, compared as whole lists.

The databases are a ConnectionHandler of the test's own (SQLite wrappers that never connect,
one of them claiming to be MySQL), so the test database itself is left alone.
"""

import pytest
from django.core.checks import Error, run_checks
from django.db.utils import ConnectionHandler

from django_webotp import checks
from django_webotp.checks import check_settings, databases

SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


def e080(alias):
    return Error(
        checks.E090.format(alias=alias, name="MySQL or MariaDB"),
        hint=checks.E090_HINT,
        id="webotp.E090",
    )


class LegacyRouter:
    """Sends django_webotp's models to the "legacy" database, everything else to default."""

    def db_for_read(self, model, **hints):
        return "legacy" if model._meta.app_label == "django_webotp" else None

    db_for_write = db_for_read


class LegacyReadsRouter:
    """Reads of django_webotp's models from "legacy" (a replica, say), writes to default."""

    def db_for_read(self, model, **hints):
        return "legacy" if model._meta.app_label == "django_webotp" else None


@pytest.fixture
def site_databases(monkeypatch, settings):
    """A site with two databases, both SQLite; a test makes one of them MySQL."""
    settings.DEBUG = True
    handler = ConnectionHandler({"default": dict(SQLITE), "legacy": dict(SQLITE)})
    monkeypatch.setattr(databases, "connections", handler)

    def make_mysql(alias):
        monkeypatch.setattr(handler[alias], "vendor", "mysql")

    return make_mysql


def test_sqlite_and_postgresql_pass(site_databases):
    assert check_settings() == []


def test_the_models_on_mysql_are_an_error(site_databases):
    site_databases("default")
    assert check_settings() == [e080("default")]


def test_the_error_is_a_registered_check(site_databases):
    site_databases("default")
    assert [m for m in run_checks() if m.id == "webotp.E090"] == [e080("default")]


def test_another_database_on_mysql_is_the_site_s_business(site_databases):
    site_databases("legacy")
    assert check_settings() == []


def test_a_router_that_sends_the_models_to_mysql_is_an_error(site_databases, settings):
    settings.DATABASE_ROUTERS = [f"{__name__}.LegacyRouter"]
    site_databases("legacy")
    assert check_settings() == [e080("legacy")]


def test_reads_from_mysql_are_an_error_too(site_databases, settings):
    settings.DATABASE_ROUTERS = [f"{__name__}.LegacyReadsRouter"]
    site_databases("legacy")
    assert check_settings() == [e080("legacy")]


def test_the_message_names_the_supported_databases_and_why():
    message = checks.E090.format(alias="default", name="MySQL or MariaDB")
    assert "PostgreSQL and SQLite" in message
    assert "models.W036" in message
