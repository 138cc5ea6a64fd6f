import pytest
from django.core.cache import cache
from django.utils import translation

from django_webotp import sms


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with an empty outbox and no rate-limit counts."""
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _language_restored():
    """LocaleMiddleware leaves a request's language active in the thread: not into the next test."""
    with translation.override(translation.get_language()):
        yield
