"""Fixtures for the JSON API tests: a browser-side app, and a second one."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.api import Api


@pytest.fixture
def api() -> Api:
    return Api(Client(enforce_csrf_checks=True))


@pytest.fixture
def other_api() -> Api:
    """A second browser."""
    return Api(Client(enforce_csrf_checks=True))
