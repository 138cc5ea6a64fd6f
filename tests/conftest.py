import pytest
from django.core.cache import cache
from django.utils import translation

from django_webotp import sms
from django_webotp.delivery import send
from django_webotp.models import PhoneIdentity
from tests.support.accounts import OTHER_PHONE, PHONE, finish_two_factor
from tests.support.users import PASSWORD, make_user


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with an empty outbox and no rate-limit counts."""
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _background_sends_inline(request, monkeypatch):
    """Codes sent off the request thread (sign-up off) are sent on the spot: a test's own
    transaction never commits, and its rows are not another thread's to see. The tests of the
    thread itself mark themselves ``real_background_sends``."""
    if request.node.get_closest_marker("real_background_sends") is None:
        monkeypatch.setattr(send, "in_background", lambda work: work())


@pytest.fixture(autouse=True)
def _language_restored():
    """LocaleMiddleware leaves a request's language active in the thread: not into the next test."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def alice(db):
    """An account with a password and a phone number."""
    user = make_user("alice", password=PASSWORD)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE)
    return user


@pytest.fixture
def bob(db):
    user = make_user("bob", password=PASSWORD)
    PhoneIdentity.objects.create(user=user, phone_number=OTHER_PHONE)
    return user


@pytest.fixture
def carol(db):
    """An account with a password and no phone number."""
    return make_user("carol", password=PASSWORD)


@pytest.fixture
def signed_in(client, alice):
    """alice, fully signed in (password and code)."""
    finish_two_factor(client)
    return client


@pytest.fixture
def no_rate_limits(settings):
    """Rate limits off, for tests about another defence."""
    settings.WEBOTP_RATELIMIT_PHONE = None
    settings.WEBOTP_RATELIMIT_IP = None
