"""Task delivery in tests: a named test backend of whichever tasks framework is installed, and
a worker played in-process."""

from __future__ import annotations

from typing import Any

from django_webotp.delivery.tasks import TASKS_PACKAGE

if TASKS_PACKAGE == "django.tasks":
    from django.tasks import task_backends
else:
    from django_tasks import task_backends

BACKENDS = {
    "dummy": f"{TASKS_PACKAGE}.backends.dummy.DummyBackend",
    "immediate": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend",
}


def use_task_backend(settings: Any, backend: str) -> Any:
    """Switch to task delivery on ``backend`` ("dummy", "immediate" or a dotted path); the
    backend instance."""
    settings.WEBOTP_DELIVERY = "task"
    settings.TASKS = {"default": {"BACKEND": BACKENDS.get(backend, backend)}}
    return task_backends["default"]


def run_worker(backend: Any) -> list[Any]:
    """Run every task waiting in the DummyBackend, as a worker process would; their results."""
    results = [r.task.call(*r.args, **r.kwargs) for r in backend.results]
    backend.clear()
    return results
