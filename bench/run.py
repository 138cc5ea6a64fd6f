"""Benchmark: phone sign-ins through django-webotp, its peers and a bare-Django ceiling.

Run through ``bash bench/run`` (it makes the virtualenvs); see bench/README.md. Everything
talks to 127.0.0.1 only, every loop is bounded, and every server and worker started here is
stopped here.

1. Per step, deterministic: each target's own python counts bytecodes and SQL statements of
   each request of a sign-in through Django's test client (bench/counting.py).
2. Throughput: every project under gunicorn, rounds of complete sign-ins by concurrent
   clients, targets interleaved (bench/load.py).
3. A provider that takes 2 s per SMS: django-webotp's start with sync and task delivery
   (bench/slow.py).
The table goes to bench/results/<date>.md and latest.md, and to stdout (bench/report.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# This process reads django-webotp's database once (has the task worker delivered?).
os.environ.update(DJANGO_SETTINGS_MODULE="bench.settings", BENCH_DB="webotp_bench_on")

import django  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402

from bench.load import project_env, throughput  # noqa: E402
from bench.report import render, step_table  # noqa: E402
from bench.seed import phone  # noqa: E402
from bench.slow import slow_provider  # noqa: E402
from bench.targets import PROJECTS, TARGETS  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def reset_database(name: str) -> None:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def in_venv(project, script: str, *args: str) -> str:
    """Runs a bench/ script with the project's python and settings; its stdout."""
    python = str(ROOT / project.venv / "bin" / "python")
    done = subprocess.run(
        [python, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=project_env(project),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise RuntimeError(f"{script} in {project.venv} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def machine(versions: dict[str, str], inbox: redis.Redis) -> dict[str, str]:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres") as db:
        postgres = db.execute("SHOW server_version").fetchone()[0]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}",
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": inbox.info("server")["redis_version"],
        "packages": ", ".join(f"{name} {v}" for name, v in sorted(versions.items())),
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (about 2 minutes)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of every target (10)")
    parser.add_argument("--per-round", type=int, default=6, help="sign-ins per client per turn")
    parser.add_argument("--users", type=int, default=5000, help="accounts per target (5000)")
    parser.add_argument("--slow-delay", type=float, default=2.0, help="slow provider's seconds")
    parser.add_argument("--async-starts", type=int, default=200, help="starts, task delivery")
    parser.add_argument("--sync-starts", type=int, default=8, help="starts, sync delivery")
    parser.add_argument("--show-sql", action="store_true", help="print each step's SQL")
    parser.add_argument(
        "--counts-only", action="store_true", help="only bytecodes and SQL per step (a minute)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.per_round, args.async_starts, args.sync_starts = 2, 2, 40, 4
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    started = time.monotonic()
    inbox = redis.Redis.from_url("redis://127.0.0.1:6379/13")
    inbox.flushdb()  # DB 13 is the benchmark's own
    versions: dict[str, str] = {}
    for project in PROJECTS.values():
        reset_database(project.database)
        found = json.loads(in_venv(project, "seed.py", str(args.users)))
        versions.update({k: v for k, v in found.items() if k in project.packages})
    print(f"set up {len(PROJECTS)} projects, {args.users} users each", flush=True)

    counts = {}
    for number, target in enumerate(TARGETS):
        phones = [phone(args.clients + 3 * number + k) for k in range(3)]
        output = in_venv(PROJECTS[target.project], "counting.py", target.flow, *phones)
        counts[target.name] = json.loads(output)
        if args.show_sql:
            for step, figures in counts[target.name]["runs"][0].items():
                for sql in figures["sql"]:
                    print(f"  {target.name} {step}: {sql[:160]}")
    print("counted bytecodes and SQL per step", flush=True)
    if args.counts_only:
        print("\n".join(step_table(counts)))
        return

    clients = [phone(n) for n in range(args.clients)]
    load = throughput(clients, args.rounds, args.per_round, inbox)
    print("measured throughput", flush=True)
    django.setup()
    slow, delivered = slow_provider(clients, args.slow_delay, args.sync_starts, args.async_starts)

    command = "bash bench/run " + " ".join(argv if argv is not None else sys.argv[1:])
    info = machine(versions, inbox)
    info["run time"] = f"{time.monotonic() - started:.0f} s (venvs excluded)"
    info["load"] = (
        f"{args.clients} clients, {args.rounds} rounds x {args.per_round} sign-ins per client"
        f" per target"
    )
    text = render(info, command.strip(), counts, load, slow, delivered)
    RESULTS.mkdir(exist_ok=True)
    dated = RESULTS / f"{info['date'][:10]}.md"
    dated.write_text(text)
    shutil.copyfile(dated, RESULTS / "latest.md")
    print()
    print(text)
    print(f"written to {dated.relative_to(ROOT)} and bench/results/latest.md")


if __name__ == "__main__":
    main()
