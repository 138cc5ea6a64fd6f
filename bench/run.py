"""Benchmark: complete phone sign-ins through django-webotp against a bare-Django baseline.

Run through ``bash bench/run`` (it makes the virtualenv); see bench/README.md. Everything talks
to 127.0.0.1 only, every loop is bounded, and every server and worker started here is stopped
here.

1. SQL per step: one sign-in of each flow through Django's test client, queries captured per
   request (Redis-backed sessions as served, and database sessions for comparison).
2. Throughput: the example project under gunicorn (2 sync workers, PostgreSQL, Redis) serves
   both flows; concurrent clients drive complete sign-ins (phone page -> start -> code page and
   the SMS -> verify -> signed-in page), django-webotp and baseline alternating round by round.
3. A provider that takes 2 s per SMS: the start step's latency with sync delivery, then with
   task delivery (django-tasks-db, its db_worker running).
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

STEPS = ["page", "start", "code", "verify", "account"]
FLOWS = {
    "webotp": {"page": "/login/", "verify": "/login/verify/"},
    "baseline": {"page": "/bare/", "verify": "/bare/verify/"},
}


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request("POST", path, urlencode(form))

    def request(self, method, path, body=None):
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
                self.cookies[name] = morsel.value
        return response.status, response.headers, text


def expect(status, wanted, what):
    if status != wanted:
        raise RuntimeError(f"{what}: HTTP {status}, expected {wanted}")


class Server:
    """gunicorn serving bench.settings on a free loopback port."""

    def __init__(self, workers=2, **env):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.log = tempfile.NamedTemporaryFile(prefix="webotp-bench-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "example_project.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--timeout=60",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + Path(self.log.name).read_text())
            try:
                if Browser(self.port).get("/login/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not answer in 30 s")
        for _ in range(workers * 3):  # wake every worker (imports, DB connection)
            Browser(self.port).get("/login/")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


@contextmanager
def serving(**env):
    server = Server(**env)
    try:
        yield server
    finally:
        server.stop()


# --- the sign-in, as a browser does it -----------------------------------------------------


def read_code(phone):
    from bench.sms import inbox, key
    from django_webotp.sms_format import parse_origin_bound_message

    body = inbox().getdel(key(phone))
    if body is None:
        raise RuntimeError(f"no SMS for {phone}")
    return parse_origin_bound_message(body.decode()).code


def sign_in(port, flow, phone, timings):
    """One complete sign-in in a fresh browser; appends (step, seconds) to ``timings``."""
    paths = FLOWS[flow]
    browser = Browser(port)
    clock = time.perf_counter

    t = clock()
    expect(browser.get(paths["page"])[0], 200, "phone page")
    timings.append(("page", clock() - t))

    t = clock()
    expect(browser.post(paths["page"], {"phone_number": phone})[0], 302, "start")
    timings.append(("start", clock() - t))

    t = clock()
    expect(browser.get(paths["verify"])[0], 200, "code page")
    code = read_code(phone)
    timings.append(("code", clock() - t))

    t = clock()
    status, headers, _ = browser.post(paths["verify"], {"code": code})
    expect(status, 302, "verify")
    timings.append(("verify", clock() - t))

    t = clock()
    status, _, body = browser.get("/account/")
    expect(status, 200, "signed-in page")
    if phone not in body:
        raise RuntimeError("the signed-in page does not show the account")
    timings.append(("account", clock() - t))


def run_round(port, flow, phones, per_client):
    """Each client signs in ``per_client`` times with its own number; returns (wall, timings)."""
    timings: list[tuple[str, float]] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(len(phones))

    def client(phone):
        barrier.wait(timeout=60)
        mine: list[tuple[str, float]] = []
        try:
            for _ in range(per_client):
                sign_in(port, flow, phone, mine)
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


def starts_only(port, phones, per_client):
    """Start-step latencies only (phone page untimed), for the slow-provider comparison."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client(phone):
        for _ in range(per_client):
            browser = Browser(port)
            browser.get("/login/")
            t = time.perf_counter()
            status = browser.post("/login/", {"phone_number": phone})[0]
            elapsed = time.perf_counter() - t
            expect(status, 302, "start")
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(p,)) for p in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return latencies


# --- figures -------------------------------------------------------------------------------


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds):
    return f"{seconds * 1000:.1f}"


# --- set-up --------------------------------------------------------------------------------


def reset_database(name):
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def make_accounts(phones):
    """Returning users: each number already has an account, as on a site in steady state."""
    from django.contrib.auth import get_user_model

    from django_webotp.models import PhoneIdentity

    for phone in phones:
        user = get_user_model().objects.create_user(phone)
        PhoneIdentity.objects.create(user=user, phone_number=phone)


def count_queries(phone, session_engine):
    """SQL statements per step of one sign-in of each flow, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    with override_settings(SESSION_ENGINE=session_engine):
        for flow, paths in FLOWS.items():
            for attempt in ("warm-up", "counted"):
                client = Client()
                steps = {}

                def step(name, call, steps=steps):
                    with CaptureQueriesContext(connection) as queries:
                        response = call()
                    steps[name] = [q["sql"] for q in queries.captured_queries]
                    return response

                step("page", lambda c=client, p=paths: c.get(p["page"]))
                start = step(
                    "start", lambda c=client, p=paths: c.post(p["page"], {"phone_number": phone})
                )
                expect(start.status_code, 302, f"{flow} start (test client)")
                step("code", lambda c=client, p=paths: c.get(p["verify"]))
                code = read_code(phone)
                done = step(
                    "verify",
                    lambda c=client, p=paths, code=code: c.post(p["verify"], {"code": code}),
                )
                expect(done.status_code, 302, f"{flow} verify (test client)")
                step("account", lambda c=client: c.get("/account/"))
                if attempt == "counted":
                    counts[flow] = steps
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent browsers (4)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per flow, alternating (6)")
    parser.add_argument("--per-round", type=int, default=15, help="sign-ins per client per round")
    parser.add_argument("--slow-delay", type=float, default=2.0, help="slow provider's seconds")
    parser.add_argument("--async-starts", type=int, default=200, help="starts, async delivery")
    parser.add_argument("--sync-starts", type=int, default=8, help="starts, sync delivery")
    parser.add_argument("--show-sql", action="store_true", help="print each step's SQL")
    args = parser.parse_args(argv)

    database = os.environ.setdefault("BENCH_DB", "webotp_bench")
    reset_database(database)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.sms import inbox

    call_command("migrate", verbosity=0)
    inbox().flushdb()  # DB 13: the benchmark's own
    phones = [f"+4479111{n:05d}" for n in range(args.clients + 1)]
    make_accounts(phones)
    from django.db import connections

    connections.close_all()

    print("django-webotp benchmark")
    print(
        f"  Python {sys.version.split()[0]}, Django {django.get_version()}, {os.cpu_count()} CPUs"
    )
    print(f"  gunicorn 2 sync workers, PostgreSQL, Redis; sessions: {settings.SESSION_ENGINE}")
    print(
        f"  {args.clients} concurrent clients, {args.rounds} rounds x {args.per_round}"
        " sign-ins per client per flow"
    )

    # 1. SQL per step
    engines = {
        "cache (Redis)": settings.SESSION_ENGINE,
        "db": "django.contrib.sessions.backends.db",
    }
    print("\nSQL queries per step (Django test client, returning user)")
    print(f"  {'flow':<10} {'sessions':<14} " + " ".join(f"{s:>8}" for s in STEPS))
    for label, engine in engines.items():
        counts = count_queries(phones[-1], engine)
        for flow, steps in counts.items():
            print(f"  {flow:<10} {label:<14} " + " ".join(f"{len(steps[s]):>8}" for s in STEPS))
            if args.show_sql:
                for name in STEPS:
                    for sql in steps[name]:
                        print(f"      {name}: {sql[:160]}")
    connections.close_all()

    # 2. Throughput, alternating rounds
    results = {flow: {"wall": 0.0, "count": 0, "timings": []} for flow in FLOWS}
    with serving(BENCH_DELIVERY="sync") as server:
        run_round(server.port, "webotp", phones[: args.clients], 1)  # warm-up, not counted
        run_round(server.port, "baseline", phones[: args.clients], 1)
        for number in range(args.rounds):
            order = list(FLOWS) if number % 2 == 0 else list(reversed(FLOWS))
            for flow in order:
                wall, timings = run_round(server.port, flow, phones[: args.clients], args.per_round)
                results[flow]["wall"] += wall
                results[flow]["count"] += args.clients * args.per_round
                results[flow]["timings"].extend(timings)

    print("\nComplete sign-ins (page -> start -> code page + SMS -> verify -> signed-in page)")
    print(
        f"  {'flow':<10} {'sign-ins/s':>10}  "
        + "  ".join(f"{s + ' p50/p99 ms':>22}" for s in STEPS)
    )
    rate = {}
    for flow, result in results.items():
        rate[flow] = result["count"] / result["wall"]
        cells = []
        for name in STEPS:
            values = [v for s, v in result["timings"] if s == name]
            cells.append(f"{ms(percentile(values, 50)) + ' / ' + ms(percentile(values, 99)):>22}")
        print(f"  {flow:<10} {rate[flow]:>10.1f}  " + "  ".join(cells))
    print(f"  ratio webotp / baseline: {rate['webotp'] / rate['baseline']:.2f}x (target >= 0.8x)")

    # 3. A provider that takes 2 s. Two clients for two workers: what one person waits for on
    # a server that is not saturated (with more clients than workers, queueing for a worker
    # shows up too; the async run is repeated with all clients to show that).
    delay = {"BENCH_SMS_DELAY": str(args.slow_delay)}
    pair = phones[:2]
    with serving(BENCH_DELIVERY="sync", **delay) as server:
        sync_starts = starts_only(server.port, pair, max(1, args.sync_starts // 2))
    with serving(BENCH_DELIVERY="task", **delay) as server:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "db_worker",
                "--no-startup-delay",
                "--interval=0.2",
                "--no-reload",
                "--verbosity=0",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_DELIVERY": "task", **delay},
        )
        try:
            starts_only(server.port, phones[: args.clients], 3)  # warm-up: imports, metadata
            since = time.time()
            async_starts = starts_only(server.port, pair, max(1, args.async_starts // 2))
            async_busy = starts_only(
                server.port, phones[: args.clients], max(1, args.async_starts // args.clients)
            )
            delivered = wait_for_a_delivery(since, timeout=args.slow_delay * 5 + 5)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=args.slow_delay + 10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)

    print(f"\nStart step with a provider that takes {args.slow_delay:g} s per SMS")
    for label, values in (
        ("sync, 2 clients", sync_starts),
        ("task, 2 clients", async_starts),
        (f"task, {args.clients} clients", async_busy),
    ):
        print(
            f"  {label:<16} {len(values):>4} starts: p50 {ms(percentile(values, 50))} ms, "
            f"p99 {ms(percentile(values, 99))} ms"
        )
    print(f"  task mode: the worker delivered and recorded a code: {'yes' if delivered else 'NO'}")
    print("  target: start p99 <= 100 ms with task delivery")


def wait_for_a_delivery(since, timeout):
    """The async run only counts if the worker really sends: wait for one SMS it recorded."""
    from datetime import UTC, datetime

    from django.db import connections

    from django_webotp.models import Challenge, DeliveryStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recent = Challenge.objects.filter(created_at__gte=datetime.fromtimestamp(since, UTC))
        if recent.filter(delivery_status=DeliveryStatus.SENT).exists():
            connections.close_all()
            return True
        time.sleep(0.5)
    connections.close_all()
    return False


if __name__ == "__main__":
    main()
