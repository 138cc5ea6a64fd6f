"""Checks of how the SMS is sent: in the request, or by a task with a worker."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning

from ..conf import webotp_settings
from ..delivery import tasks
from .messages import E040, E041, W040

__all__ = ["IMMEDIATE_TASK_BACKENDS", "delivery_problems"]

IMMEDIATE_TASK_BACKENDS = {
    "django.tasks.backends.immediate.ImmediateBackend",
    "django_tasks.backends.immediate.ImmediateBackend",
}


def delivery_problems() -> list:
    delivery = webotp_settings.DELIVERY
    if delivery == "sync":
        return []
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
