"""The counter: a start's limits and budgets in one Redis round trip, from one client per
process, with the same answers on every cache (LocMemCache and Redis, DB 11; DB 7 for a second
server), and the bot check in its place among them."""

import threading
import time

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from django_webotp import signals
from django_webotp.abuse import budgets, counters, ratelimits
from django_webotp.abuse.budgets import SCOPES
from django_webotp.flows import defences
from tests.abuse.conftest import cache_keys
from tests.support.accounts import NEW_PHONE, PHONE

pytestmark = pytest.mark.django_db
IP = "203.0.113.9"
DB11 = "redis://127.0.0.1:6379/11"
DB7 = "redis://127.0.0.1:6379/7"
NOWHERE = "redis://127.0.0.1:9/0"  # nothing listens on port 9


@pytest.fixture
def every_limit(settings):
    """Every rate limit and all six budgets on, roomy enough not to refuse, and a bot check."""
    settings.WEBOTP_RATELIMIT_IP = "50/h"
    settings.WEBOTP_RATELIMIT_PHONE = "50/h,100/d"
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "50/10m"
    settings.WEBOTP_RATELIMIT_NEW_NUMBER = "50/h,100/d"
    settings.WEBOTP_SMS_BUDGETS = {scope: "50/h,100/d" for scope in SCOPES}
    settings.WEBOTP_BOT_CHECK = lambda request, phone: True


@pytest.fixture
def round_trips(monkeypatch):
    """Every command or pipeline written to a Redis server: one entry per round trip."""
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def send(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", send)
    return sent


@pytest.fixture
def on_redis(settings):
    def use(location=DB11, **config):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                **config,
            }
        }
        caches["default"].clear()
        return caches["default"]

    yield use
    caches["default"].clear()


def ask(phone=PHONE, *, user=None, ip=IP):
    return defences.refused(RequestFactory().post("/", REMOTE_ADDR=ip), phone, "login", user=user)


def verify(ip=IP):
    return defences.verify_limit(RequestFactory().post("/", REMOTE_ADDR=ip), PHONE, "login")


def values(cache) -> dict[str, int]:
    """Every count in the cache, by its key (without the cache's prefix and version)."""
    keys = [key.split(":", 2)[2] for key in cache_keys(cache)]
    return {key: cache.get(key) for key in keys}


def counts(cache) -> dict[str, set[int]]:
    """The counts in the cache by what they count ("rl:ip", "budget:global", ...)."""
    found: dict[str, set[int]] = {}
    for key, value in values(cache).items():
        found.setdefault(key.split(":")[1] + ":" + key.split(":")[2], set()).add(value)
    return found


# --- one round trip, one client --------------------------------------------------------------


@pytest.mark.redis
def test_a_start_and_a_verify_are_one_round_trip_each(on_redis, every_limit, round_trips):
    on_redis()
    assert ask() is None and verify() is None  # the scripts are loaded once, on first use
    round_trips.clear()
    for _ in range(5):
        assert ask() is None
    assert len(round_trips) == 5
    for _ in range(5):
        assert verify() is None
    assert len(round_trips) == 10
    assert counts(caches["default"])["rl:phone"] == {6}  # and counted they were


@pytest.mark.redis
def test_a_request_refused_by_a_limit_is_one_round_trip_too(
    on_redis, every_limit, round_trips, settings
):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    on_redis()
    ask(NEW_PHONE)
    round_trips.clear()
    assert [answer and answer.reason for answer in (ask(), ask(), ask())] == [
        None,
        "phone",
        "phone",
    ]
    assert len(round_trips) == 3


@pytest.mark.redis
def test_only_a_bot_check_refusal_costs_a_second_round_trip(
    on_redis, every_limit, round_trips, settings
):
    on_redis()
    settings.WEBOTP_BOT_CHECK = lambda request, phone: False
    assert ask().reason == "bot"  # both scripts are loaded once, on first use
    round_trips.clear()
    assert ask().reason == "bot"
    assert len(round_trips) == 2  # the count, then the give-back


@pytest.mark.redis
def test_one_client_serves_every_start_of_the_process(on_redis, every_limit, monkeypatch):
    on_redis()
    built = []
    original = redis.Redis.__init__

    def init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", init)
    for _ in range(10):
        ask()
        verify()
    assert len(built) == 1


@pytest.mark.redis
def test_a_lost_script_is_loaded_again(on_redis, every_limit, settings):
    settings.WEBOTP_RATELIMIT_IP = "1/h"
    on_redis()
    assert ask() is None
    counters._redis().count_script.sha = "0" * 40  # as after a SCRIPT FLUSH or a failover
    assert ask().reason == "ip"


@pytest.mark.redis
def test_the_counts_follow_the_caches_settings(on_redis, every_limit):
    cache = on_redis(DB7, KEY_PREFIX="site")
    ask()
    raw = redis.Redis.from_url(DB7).keys("*")
    assert raw and all(key.startswith(b"site:1:webotp:") for key in raw)
    cache.clear()
    assert redis.Redis.from_url(DB7).keys("*") == []
    on_redis(DB11)  # settings changed: the next start counts on the new server
    ask()
    assert redis.Redis.from_url(DB7).keys("*") == []
    assert counts(caches["default"])["rl:ip"] == {1}


@pytest.mark.redis
@pytest.mark.parametrize("location", [f"{DB7},{NOWHERE}", f"{DB7};{NOWHERE}", [DB7, NOWHERE]])
def test_the_first_server_of_the_location_is_the_one_counted_on(on_redis, every_limit, location):
    on_redis(location)  # the others are replicas, which Django only reads from
    assert [ask() for _ in range(2)] == [None, None]
    writer = redis.Redis.from_url(DB7)
    assert [writer.get(key) for key in writer.keys("*webotp:rl:phone:*")] == [b"2", b"2"]


class RecordingPool(redis.ConnectionPool):
    made: list[str] = []

    @classmethod
    def from_url(cls, url, **kwargs):
        cls.made.append(url)
        return super().from_url(url, **kwargs)


@pytest.mark.redis
def test_the_caches_pool_options_are_honoured(on_redis, every_limit):
    RecordingPool.made.clear()
    on_redis(OPTIONS={"pool_class": "tests.abuse.test_counters.RecordingPool"})
    RecordingPool.made.clear()
    ask()
    assert RecordingPool.made == [DB11]


# --- the answers, on both caches ---------------------------------------------------------------


def test_a_flood_refused_by_the_ip_limit_never_meets_the_bot_check(
    counting_cache, every_limit, settings
):
    settings.WEBOTP_RATELIMIT_IP = "2/h"
    asked = []
    settings.WEBOTP_BOT_CHECK = lambda request, phone: asked.append(phone) or True
    answers = [ask() for _ in range(5)]
    assert [answer and answer.reason for answer in answers] == [None, None, "ip", "ip", "ip"]
    assert len(asked) == 2


def test_a_request_the_bot_check_refuses_takes_nothing_but_its_ip_count(
    counting_cache, every_limit, settings
):
    settings.WEBOTP_BOT_CHECK = lambda request, phone: False
    assert [ask().reason for _ in range(3)] == ["bot"] * 3
    found = counts(counting_cache)
    assert found.pop("rl:ip") == {3}
    assert set(found) >= {"rl:phone", *(f"budget:{scope}" for scope in SCOPES)}
    assert all(values == {0} for values in found.values()), found


def test_the_bot_checks_answer_comes_before_a_later_limits(counting_cache, every_limit, settings):
    settings.WEBOTP_RATELIMIT_PHONE = "1/h"
    limited = []
    signals.rate_limited.connect(lambda **kw: limited.append(kw), weak=False, dispatch_uid="c")
    try:
        assert ask() is None
        settings.WEBOTP_BOT_CHECK = lambda request, phone: "Tick the box."
        assert ask().reason == "bot"
        assert limited == []  # the phone limit was not the answer: no signal
        settings.WEBOTP_BOT_CHECK = lambda request, phone: True
        assert ask().reason == "phone"
    finally:
        signals.rate_limited.disconnect(dispatch_uid="c")
    assert [kw["reason"] for kw in limited] == ["phone"]
    assert counts(counting_cache)["rl:phone"] == {1}


def test_a_later_refusal_gives_back_every_count_but_the_ip_requests(
    counting_cache, every_limit, settings, alice
):
    settings.WEBOTP_SMS_BUDGETS = {**settings.WEBOTP_SMS_BUDGETS, "global": "1/h"}
    assert ask() is None  # alice's number spends the global budget
    before = values(counting_cache)
    refused = ask(NEW_PHONE, user=alice)  # a number new to alice: the per-account count too
    assert refused.reason == "budget:global"
    after = values(counting_cache)
    [ip_count] = [key for key in before if key.startswith("webotp:rl:ip:")]
    assert after.pop(ip_count) == before.pop(ip_count) + 1
    assert {key: after[key] for key in before} == before
    new = {key: after[key] for key in after if key not in before}
    assert any(key.startswith("webotp:rl:new_number:") for key in new)
    assert any(key.startswith("webotp:rl:phone:") for key in new)
    assert set(new.values()) == {0}, new


@pytest.mark.parametrize("fail_open", [False, True])
def test_an_unreachable_redis_fails_as_configured(every_limit, settings, fail_open):
    settings.RATELIMIT_FAIL_OPEN = fail_open
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOWHERE}
    }
    answers = [ask(), verify()]
    if fail_open:
        assert answers == [None, None]
    else:
        assert [(a.reason, a.retry_after) for a in answers] == [("ip", 60), ("verify", 60)]


# --- atomic: never more than a budget, however many ask at once --------------------------------


def test_many_starting_at_once_never_exceed_a_budget(counting_cache, settings):
    settings.WEBOTP_SMS_BUDGETS = {"ip": "100/h", "number": "100/h", "global": "10/h"}
    settings.WEBOTP_RATELIMIT_PHONE = "100/h"
    together = threading.Barrier(40)
    let_through = []

    def start(n: int) -> None:
        now = int(time.time())
        phone = f"+4474001{n:05d}"
        plan = [
            ratelimits.step("phone", "100/h", phone, now),
            *budgets.steps(phone, now, ip=f"198.51.100.{n}"),
        ]
        together.wait()
        outcome = counters.count(plan, now)
        if outcome.refused is None:
            let_through.append(n)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent = counts(caches["default"])["budget:global"]
    if isinstance(counting_cache, RedisCache):
        assert len(let_through) == 10  # one script at a time: exact
    assert 0 < len(let_through) <= 10 and spent == {len(let_through)}
