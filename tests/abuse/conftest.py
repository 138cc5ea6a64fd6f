import pytest

from django_webotp.abuse import outage


@pytest.fixture(autouse=True)
def _no_outage_remembered():
    """A cache outage logged by an earlier test must not silence this test's first one."""
    outage.reset()
    yield
    outage.reset()
