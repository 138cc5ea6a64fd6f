"""Deterministic figures of one target: bytecodes and SQL statements per step of a sign-in.

    DJANGO_SETTINGS_MODULE=... BENCH_DB=... python bench/counting.py FLOW PHONE PHONE PHONE

Run by the target's own python (bench/run.py collects the JSON it prints). Through Django's
test client (CSRF checks enforced, as a browser meets them) with the project's database
sessions: one warm-up sign-in with the first number, then one counted sign-in with each of the
others (returning users all). Each request's Python bytecodes are counted inside
``BaseHandler.get_response`` with ``sys.settrace`` and ``f_trace_opcodes``; its SQL statements
with ``CaptureQueriesContext``, which lists BEGIN, COMMIT and SAVEPOINT as Django logs them.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402


class Opcodes:
    """Counts the "opcode" trace events of every Python frame run inside a call, in its thread
    and in any thread it starts (django-webotp hands the SMS to its backend in a helper thread,
    to hold the request no longer than its send deadline: that work is counted too)."""

    def __init__(self) -> None:
        self.count = 0

    def _local(self, frame, event, arg):
        if event == "opcode":
            self.count += 1  # a helper thread's += may race the request's: it waits on join()
        return self._local

    def _call(self, frame, event, arg):
        frame.f_trace_opcodes = True
        return self._local

    def run(self, call):
        threading.settrace(self._call)
        sys.settrace(self._call)
        try:
            return call()
        finally:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]


def traced_handler(counter: list[Opcodes | None]) -> None:
    """Wraps BaseHandler.get_response so that the current counter, if any, counts inside it."""
    from django.core.handlers.base import BaseHandler

    original = BaseHandler.get_response

    def get_response(self, request):
        if counter[0] is None:
            return original(self, request)
        return counter[0].run(lambda: original(self, request))

    BaseHandler.get_response = get_response


def main(flow: str, phones: list[str]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.flows import sign_in, wait_for_sms
    from bench.targets.common import inbox, sms_key

    counter: list[Opcodes | None] = [None]
    traced_handler(counter)

    def read_sms(phone: str) -> str:
        return wait_for_sms(inbox(), sms_key(phone))

    runs = []
    for number, phone in enumerate(phones):
        client = Client(enforce_csrf_checks=True)
        steps: dict[str, dict[str, Any]] = {}

        def send(method, path, body, content_type, headers, client=client):
            if isinstance(body, dict):
                body = urlencode(body)
            response = client.generic(
                method, path, body or "", content_type=content_type or "", headers=headers
            )
            return response.status_code, dict(response.headers), response.content.decode()

        def around(name, call, steps=steps, counted=number > 0):
            if not counted:
                return call()
            counter[0] = Opcodes()
            with CaptureQueriesContext(connection) as queries:
                result = call()
            steps[name] = {
                "bytecodes": counter[0].count,
                "sql": [q["sql"] for q in queries.captured_queries],
            }
            counter[0] = None
            return result

        def csrf(client=client):
            cookie = client.cookies.get("csrftoken")
            return cookie.value if cookie else ""

        sign_in(flow, phone, send, csrf, read_sms, around)
        if number > 0:
            runs.append(steps)
    return {"runs": runs}


if __name__ == "__main__":
    django.setup()
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
