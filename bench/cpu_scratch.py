"""Throwaway: in-process CPU per step of N sign-ins (no tracing)."""
import json, sys, time, resource
from pathlib import Path
from urllib.parse import urlencode
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import django
django.setup()
from django.test import Client
from bench.flows import sign_in, wait_for_sms
from bench.targets.common import inbox, sms_key
flow, n = sys.argv[1], int(sys.argv[2])
phones = sys.argv[3:]
totals = {}
def read_sms(phone): return wait_for_sms(inbox(), sms_key(phone))
def one(phone, counted):
    client = Client(enforce_csrf_checks=True)
    def send(method, path, body, content_type, headers):
        if isinstance(body, dict): body = urlencode(body)
        r = client.generic(method, path, body or "", content_type=content_type or "", headers=headers)
        return r.status_code, dict(r.headers), r.content.decode()
    def around(name, call):
        t = time.process_time()
        r = call()
        if counted: totals[name] = totals.get(name, 0) + time.process_time() - t
        return r
    def csrf():
        c = client.cookies.get("csrftoken"); return c.value if c else ""
    sign_in(flow, phone, send, csrf, read_sms, around)
for i in range(3): one(phones[i % len(phones)], False)
t0 = time.process_time()
for i in range(n): one(phones[i % len(phones)], True)
total = time.process_time() - t0
print(json.dumps({"per_sign_in_ms": total / n * 1000, **{k: v / n * 1000 for k, v in totals.items()}}))
