"""System checks that guard a deployment (DEBUG = False), compared as whole ``run_checks()`` lists.

Covers webotp.E006 (development SMS backend), E007 (no WEBOTP_DOMAIN), W002 (rate limits counted
per process), the delivery-mode checks E040, E041 and W040, and the send deadline's E042, W043.
"""

import pytest
from django.core.checks import Error, Warning, run_checks

from django_webotp import checks
from django_webotp.delivery import tasks

LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
PROVIDER = "tests.support.sms_backends.SmsBackend"  # stands for any backend that reaches phones

E007 = Error(
    checks.E007,
    hint="Set it to the host people sign in on; Web OTP needs an exact match.",
    id="webotp.E007",
)


def e006(path):
    return Error(
        checks.E006.format(path=path),
        hint="Choose a backend that delivers SMS to phones.",
        id="webotp.E006",
    )


def w002(alias, backend):
    return Warning(
        checks.W002.format(alias=alias, backend=backend),
        hint="Rate limits then count per process; use RedisCache or Memcached.",
        id="webotp.W002",
    )


@pytest.fixture
def production(settings):
    """A deployment that passes every check; each test breaks one thing."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.project.urls_without_dev"  # the site's dev inbox is webotp.E030
    settings.WEBOTP_SMS_BACKEND = PROVIDER
    settings.WEBOTP_DOMAIN = "example.com"
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": "redis://127.0.0.1:6379/15"}}
    return settings


def test_a_production_configuration_passes(production):
    assert run_checks() == []


@pytest.mark.parametrize("backend", sorted(checks.DEV_SMS_BACKENDS))
def test_development_sms_backends_are_errors_without_debug(production, backend):
    production.WEBOTP_SMS_BACKEND = backend
    assert run_checks() == [e006(backend)]


def test_missing_domain_is_an_error_without_debug(production):
    production.WEBOTP_DOMAIN = None
    assert run_checks() == [E007]


@pytest.mark.parametrize("backend", [LOCMEM_CACHE, DUMMY_CACHE])
def test_a_cache_each_process_keeps_for_itself_is_a_warning(production, backend):
    production.CACHES = {"default": {"BACKEND": backend}}
    assert run_checks() == [w002("default", backend)]


def test_the_warning_names_the_cache_django_ratelimit_uses(production):
    production.CACHES = {
        "default": {"BACKEND": REDIS_CACHE, "LOCATION": "redis://127.0.0.1:6379/15"},
        "limits": {"BACKEND": LOCMEM_CACHE},
    }
    production.RATELIMIT_USE_CACHE = "limits"
    assert run_checks() == [w002("limits", LOCMEM_CACHE)]


def test_everything_wrong_at_once_is_reported_at_once(production):
    production.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.console.SmsBackend"
    production.WEBOTP_DOMAIN = None
    production.CACHES = {"default": {"BACKEND": LOCMEM_CACHE}}
    assert run_checks() == [
        e006("django_webotp.sms.backends.console.SmsBackend"),
        E007,
        w002("default", LOCMEM_CACHE),
    ]


def test_development_settings_pass_with_debug(settings):
    settings.DEBUG = True
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.console.SmsBackend"
    settings.WEBOTP_DOMAIN = None
    settings.CACHES = {"default": {"BACKEND": LOCMEM_CACHE}}
    assert run_checks() == []


class TestDelivery:
    def test_an_unknown_mode_is_an_error(self, production):
        production.WEBOTP_DELIVERY = "celery"
        assert run_checks() == [
            Error("WEBOTP_DELIVERY must be 'sync' or 'task', not 'celery'.", id="webotp.E040")
        ]

    def test_task_mode_without_a_tasks_framework_is_an_error(self, production, monkeypatch):
        monkeypatch.setattr(tasks, "TASKS_AVAILABLE", False)
        production.WEBOTP_DELIVERY = "task"
        assert run_checks() == [
            Error(
                checks.E041,
                hint='On Django 5.2: pip install "django-webotp[tasks]"; Django 6 has it built in.',
                id="webotp.E041",
            )
        ]

    @pytest.mark.parametrize("configured", [False, True])
    def test_task_mode_on_the_immediate_backend_is_a_warning(self, production, configured):
        production.WEBOTP_DELIVERY = "task"
        backend = f"{tasks.TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
        if configured:
            production.TASKS = {"default": {"BACKEND": backend}}
        elif hasattr(production, "TASKS"):
            del production.TASKS
        assert run_checks() == [
            Warning(
                checks.W040.format(backend=backend),
                hint="Use a task backend with a worker, or WEBOTP_DELIVERY = 'sync'.",
                id="webotp.W040",
            )
        ]

    def test_task_mode_with_a_queue_passes(self, production):
        production.WEBOTP_DELIVERY = "task"
        production.TASKS = {
            "default": {"BACKEND": f"{tasks.TASKS_PACKAGE}.backends.dummy.DummyBackend"}
        }
        assert run_checks() == []


# --- the send deadline (webotp.E042, W043) ---------------------------------------------------


def e042(deadline, worker):
    return Error(
        checks.E042.format(deadline=deadline, worker=worker),
        hint="Set WEBOTP_WORKER_TIMEOUT to your server's (gunicorn --timeout) and the "
        "deadline a few seconds lower; better, send codes with WEBOTP_DELIVERY = 'task'.",
        id="webotp.E042",
    )


@pytest.mark.parametrize(
    ("deadline", "worker"), [(30, 30), (45, 30), (0, 30), ("10", 30), (5, None)]
)
def test_a_deadline_not_below_the_worker_timeout_is_an_error(production, deadline, worker):
    production.WEBOTP_SEND_DEADLINE = deadline
    production.WEBOTP_WORKER_TIMEOUT = worker
    assert run_checks() == [e042(deadline, worker)]


def test_a_deadline_in_a_task_worker_is_not_bound_by_the_web_server(production):
    production.WEBOTP_DELIVERY = "task"
    production.TASKS = {
        "default": {"BACKEND": f"{tasks.TASKS_PACKAGE}.backends.dummy.DummyBackend"}
    }
    production.WEBOTP_SEND_DEADLINE = 60
    assert run_checks() == []


def test_failover_timeouts_that_add_up_past_the_deadline_are_a_warning(production):
    settings = production
    settings.WEBOTP_SEND_DEADLINE = 10
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.failover.SmsBackend"
    webhook = "django_webotp.sms.backends.webhook.SmsBackend"
    gateway = {"url": "https://sms.example.com/send", "secret": "s" * 32}
    settings.WEBOTP_FAILOVER_BACKENDS = [
        {"BACKEND": webhook, "OPTIONS": {**gateway, "timeout": 6}},
        {"BACKEND": webhook, "OPTIONS": gateway},  # WEBOTP_SMS_TIMEOUT's 10 s
        "django_webotp.sms.backends.locmem.SmsBackend",  # no timeout to count
    ]
    assert run_checks() == [
        Warning(
            checks.W043.format(total=16, deadline=10),
            hint="Give each failover backend a shorter timeout (its OPTIONS), or raise "
            "WEBOTP_SEND_DEADLINE while it stays below WEBOTP_WORKER_TIMEOUT.",
            id="webotp.W043",
        )
    ]
    settings.WEBOTP_FAILOVER_BACKENDS[1]["OPTIONS"] = {**gateway, "timeout": 4}
    assert run_checks() == []
