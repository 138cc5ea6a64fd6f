"""Throughput: every project under gunicorn, complete sign-ins by concurrent clients.

Each project runs in its own virtualenv (2 sync workers, its own database). Rounds interleave
the targets, their order rotated each round, so that all of them see the same machine; each
target's turn in a round is ``clients`` threads each signing in ``per_round`` times with its own
number (reading the SMS from Redis), timed per step. The workers' CPU time (utime + stime from
/proc/<pid>/stat) over the turn, divided by the sign-ins, is the server's cost of one sign-in.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from bench.browser import Browser
from bench.flows import sign_in, wait_for_sms
from bench.targets import PROJECTS, TARGETS, Project
from bench.targets.common import sms_key

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def project_env(project: Project, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": project.settings,
        "BENCH_DB": project.database,
        **project.env,
        **extra,
    }


@cache
def gunicorn_flags(python: str) -> tuple[str, ...]:
    """gunicorn >= 25 opens one control socket per user: servers side by side need it off."""
    usage = subprocess.run([python, "-m", "gunicorn", "--help"], capture_output=True, text=True)
    return ("--no-control-socket",) if "--no-control-socket" in usage.stdout else ()


class Server:
    """gunicorn serving one project on a free loopback port, from the project's virtualenv."""

    def __init__(self, project: Project, workers: int = 2, **env: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        python = str(ROOT / project.venv / "bin" / "python")
        self.log = tempfile.NamedTemporaryFile(prefix="webotp-bench-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "bench.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--timeout=60",
                *gunicorn_flags(python),
            ],
            cwd=ROOT,
            env=project_env(project, **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + Path(self.log.name).read_text())
            try:
                if Browser(self.port).get("/account/")[0] == 302:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            log = Path(self.log.name).read_text()
            self.stop()
            raise RuntimeError(f"{project.name}: gunicorn did not answer in 30 s:\n{log}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def cpu_seconds(self) -> float:
        """The workers' user + system time so far."""
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / TICK

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@contextmanager
def serving(project: Project, **env: str):
    server = Server(project, **env)
    try:
        yield server
    finally:
        server.stop()


def run_turn(port: int, flow: str, phones: list[str], per_client: int, inbox: Any):
    """Each client signs in ``per_client`` times with its own number: (wall, [(step, s)])."""
    timings: list[tuple[str, float]] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(len(phones))

    def client(phone: str) -> None:
        mine: list[tuple[str, float]] = []

        def timed(name, call):
            started = time.perf_counter()
            result = call()
            mine.append((name, time.perf_counter() - started))
            return result

        barrier.wait(timeout=60)
        try:
            for _ in range(per_client):
                browser = Browser(port)
                sign_in(
                    flow,
                    phone,
                    browser.send,
                    browser.csrf,
                    lambda p: wait_for_sms(inbox, sms_key(p)),
                    timed,
                )
        except Exception as exc:
            errors.append(exc)
        timings.extend(mine)

    threads = [threading.Thread(target=client, args=(p,)) for p in phones]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{flow}: {errors[0]}") from errors[0]
    return wall, timings


def throughput(phones: list[str], rounds: int, per_round: int, inbox: Any) -> dict[str, Any]:
    """Per target: a list of rounds, each {count, wall, cpu, timings}."""
    results: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TARGETS}
    with ExitStack() as stack:
        servers = {name: stack.enter_context(serving(p)) for name, p in PROJECTS.items()}
        for target in TARGETS:  # warm-up: imports, connections, every worker
            run_turn(servers[target.project].port, target.flow, phones, 1, inbox)
        for number in range(rounds):
            shift = number % len(TARGETS)
            for target in TARGETS[shift:] + TARGETS[:shift]:
                server = servers[target.project]
                cpu = server.cpu_seconds()
                wall, timings = run_turn(server.port, target.flow, phones, per_round, inbox)
                results[target.name].append(
                    {
                        "count": len(phones) * per_round,
                        "wall": wall,
                        "cpu": server.cpu_seconds() - cpu,
                        "timings": timings,
                    }
                )
    return results
