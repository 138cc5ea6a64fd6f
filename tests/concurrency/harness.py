"""A real multi-process server and plain HTTP browsers for the concurrency proofs.

``Server`` runs the tests' site under gunicorn against the test database pytest-django
created (its name is handed over in WEBOTP_TEST_PG_NAME), with Redis as the shared cache. The
proofs read and check the database from the test process.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("WEBOTP_PROOF_REDIS_URL", "redis://127.0.0.1:6379/14")

#: Every module of the proofs carries these marks.
MARKS = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        os.environ.get("WEBOTP_TEST_DB") != "postgres",
        reason="concurrency proofs run on PostgreSQL (WEBOTP_TEST_DB=postgres)",
    ),
    pytest.mark.django_db(transaction=True),  # the server must see what the test commits
]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """Cookies and forms, nothing else: enough for Django's CSRF and session cookies."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def clone(self) -> Browser:
        return Browser(self.port, dict(self.cookies))

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str] | None = None) -> Response:
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
        return self.request("POST", path, urlencode(form))

    def request(self, method: str, path: str, body: str | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, dict(response.headers), text)


def all_at_once(calls):
    """Run the callables in threads released together by a barrier; results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=60)
        try:
            results[index] = call()
        except Exception as exc:  # a timeout or a reset connection is a failed proof
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``gunicorn`` with ``workers`` processes of ``threads`` threads each, on a free port."""

    def __init__(self, database: str, workers: int, threads: int = 1, **env: str) -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="webotp-gunicorn-", suffix=".log")  # noqa: SIM115 (kept open for the server's life)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.project.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--preload",  # import Django once, then fork: quick start on two cores
            "--timeout=60",
            "--graceful-timeout=5",
        ]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.concurrency.server_settings",
            "WEBOTP_TEST_DB": "postgres",
            "WEBOTP_TEST_PG_NAME": database,
            "WEBOTP_PROOF_REDIS_URL": REDIS_URL,
            **env,
        }
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        for _ in range(300):  # at most 30 s
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            try:
                if Browser(self.port).get("/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in 30 s:\n{self.output()}")

    def browser(self) -> Browser:
        browser = Browser(self.port)
        assert browser.get("/login/").status == 200  # the CSRF cookie
        return browser

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()
