"""A provider that takes seconds per SMS: django-webotp's start step, sync against task delivery.

With sync delivery each start waits for the provider; with ``WEBOTP_DELIVERY = "task"`` on
django-tasks-db, whose ``db_worker`` runs beside gunicorn, it should not. The task figure only
counts once the worker has really delivered one of those codes and recorded it.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from datetime import UTC, datetime
from typing import Any

from bench.browser import Browser
from bench.load import ROOT, project_env, serving
from bench.targets import PROJECTS


def starts_only(port: int, phones: list[str], per_client: int) -> list[float]:
    """Start-step latencies of the HTML sign-in (phone page untimed)."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client(phone: str) -> None:
        for _ in range(per_client):
            browser = Browser(port)
            browser.get("/login/")
            started = time.perf_counter()
            status = browser.post_form("/login/", {"phone_number": phone})[0]
            elapsed = time.perf_counter() - started
            if status != 302:
                raise RuntimeError(f"start: HTTP {status}")
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(p,)) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies


def slow_provider(phones: list[str], delay: float, sync_starts: int, async_starts: int):
    """{label: latencies} and whether the worker delivered a code."""
    project = PROJECTS["webotp-on"]
    env = {"BENCH_SMS_DELAY": str(delay)}
    pair = phones[:2]  # two clients for two workers: what one person waits for
    with serving(project, BENCH_DELIVERY="sync", **env) as server:
        sync = starts_only(server.port, pair, max(1, sync_starts // 2))
    with serving(project, BENCH_DELIVERY="task", **env) as server:
        worker = subprocess.Popen(
            [
                str(ROOT / project.venv / "bin" / "python"),
                "-m",
                "django",
                "db_worker",
                "--no-startup-delay",
                "--interval=0.2",
                "--no-reload",
                "--verbosity=0",
            ],
            cwd=ROOT,
            env=project_env(project, BENCH_DELIVERY="task", **env),
        )
        try:
            since = time.time()  # the task phase's codes: the worker sends them in order
            starts_only(server.port, phones, 3)  # warm-up: imports, metadata
            quiet = starts_only(server.port, pair, max(1, async_starts // 2))
            busy = starts_only(server.port, phones, max(1, async_starts // len(phones)))
            delivered = wait_for_a_delivery(since, timeout=delay * 5 + 5)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=delay + 10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)
    latencies: dict[str, Any] = {
        "sync, 2 clients": sync,
        "task, 2 clients": quiet,
        f"task, {len(phones)} clients": busy,
    }
    return latencies, delivered


def wait_for_a_delivery(since: float, timeout: float) -> bool:
    """Whether the worker sent and recorded one of the codes asked for since ``since``."""
    from django.db import connections

    from django_webotp.models import Challenge, DeliveryStatus

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            recent = Challenge.objects.filter(created_at__gte=datetime.fromtimestamp(since, UTC))
            if recent.filter(delivery_status=DeliveryStatus.SENT).exists():
                return True
            time.sleep(0.5)
        return False
    finally:
        connections.close_all()
