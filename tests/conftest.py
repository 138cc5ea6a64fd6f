import pytest
from django.core.cache import cache

from django_webotp import sms


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with an empty outbox and no rate-limit counts."""
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()
