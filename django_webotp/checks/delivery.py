"""Checks of how the SMS is sent: in the request, or by a task with a worker."""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.checks import Error, Warning
from django.db import DatabaseError, router

from ..conf import webotp_settings
from ..delivery import sweep, tasks
from ..models import Challenge
from .messages import E005, E040, E041, W040, W041

__all__ = ["IMMEDIATE_TASK_BACKENDS", "delivery_problems", "queue_warnings"]

IMMEDIATE_TASK_BACKENDS = {
    "django.tasks.backends.immediate.ImmediateBackend",
    "django_tasks.backends.immediate.ImmediateBackend",
}


def delivery_problems() -> list:
    delivery = webotp_settings.DELIVERY
    if delivery == "sync":
        return []
    if delivery == "task":
        errors = _bound_errors()
        if errors:
            return errors
    if delivery != "task":
        return [Error(E040.format(value=delivery), id="webotp.E040")]
    if not tasks.TASKS_AVAILABLE:
        return [
            Error(
                E041,
                hint='On Django 5.2: pip install "django-webotp[tasks]"; Django 6 has it built in.',
                id="webotp.E041",
            )
        ]
    configured = getattr(settings, "TASKS", None) or {}
    backend = configured.get("default", {}).get("BACKEND", tasks.DEFAULT_TASK_BACKEND)
    if not settings.DEBUG and backend in IMMEDIATE_TASK_BACKENDS:
        return [
            Warning(
                W040.format(backend=backend),
                hint="Use a task backend with a worker, or WEBOTP_DELIVERY = 'sync'.",
                id="webotp.W040",
            )
        ]
    return []


def _bound_errors() -> list:
    return [
        Error(E005.format(name=f"WEBOTP_{name}"), id="webotp.E005")
        for name in ("SEND_LEASE", "QUEUE_STALL_AFTER")
        if type(getattr(webotp_settings, name)) is not int or getattr(webotp_settings, name) < 1
    ]


def queue_warnings(databases: Collection[str]) -> list:
    """W041 when the oldest queued code has waited too long: the workers are down or behind."""
    if webotp_settings.DELIVERY != "task" or _bound_errors():
        return []
    if router.db_for_read(Challenge) not in databases:
        return []
    try:
        count, age = sweep.queue_age()
    except DatabaseError:  # not migrated yet (manage.py migrate runs database checks first)
        return []
    limit = webotp_settings.QUEUE_STALL_AFTER
    if age is None or age <= limit:
        return []
    return [
        Warning(
            W041.format(count=count, age=int(age), limit=limit),
            hint="Start the workers (manage.py db_worker, or your backend's) under a supervisor "
            "that restarts them, and run manage.py webotp_sweep every minute.",
            id="webotp.W041",
        )
    ]
