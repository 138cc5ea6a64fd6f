import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from django_webotp.abuse import outage


@pytest.fixture(autouse=True)
def _no_outage_remembered():
    """A cache outage logged by an earlier test must not silence this test's first one."""
    outage.reset()
    yield
    outage.reset()


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def counting_cache(request, settings):
    """The counts in LocMemCache, then in a real Redis (database 11, only it emptied)."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/11",
            }
        }
    cache = caches["default"]
    try:
        cache.clear()
    except Exception as exc:  # pragma: no cover - only without a Redis server
        pytest.skip(f"Redis is not reachable: {exc}")
    yield cache
    cache.clear()


def cache_keys(cache) -> list[str]:
    if isinstance(cache, RedisCache):
        return [key.decode() for key in cache._cache.get_client().keys("*")]
    return list(cache._cache)


# alice's and bob's numbers sign in on their own here: these tests are about the codes a
# number is sent, which a second-factor-only number is never sent for sign-in.
@pytest.fixture
def alice(alice):
    alice.phone_identities.update(can_sign_in=True)
    return alice


@pytest.fixture
def bob(bob):
    bob.phone_identities.update(can_sign_in=True)
    return bob
