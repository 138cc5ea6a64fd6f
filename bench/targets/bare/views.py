"""The least a site could do to sign someone in with a code by SMS: the benchmark's ceiling.

Start stores a random code in one row per number (one upsert) and remembers the number in a
plain cookie; verify reads the row, compares in constant time, deletes it (its row count makes
"used once") and calls ``login()``. No phone parsing, rate limits, attempt counting or expiry
sweeps; the SMS goes where the other targets' go.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model, login
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from bench.targets.common import deliver

from .models import Code

COOKIE = "bare_phone"
TTL = timedelta(minutes=5)
TABLE = Code._meta.db_table


def start(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "bare/start.html")
    phone = request.POST.get("phone_number", "").strip()
    code = f"{secrets.randbelow(10**6):06d}"
    with connection.cursor() as cursor:  # one statement (bulk_create's upsert adds a BEGIN)
        cursor.execute(
            f'INSERT INTO "{TABLE}" (phone, code, created_at) VALUES (%s, %s, %s) ON CONFLICT'
            " (phone) DO UPDATE SET code = EXCLUDED.code, created_at = EXCLUDED.created_at",
            [phone, code, timezone.now()],
        )
    deliver(phone, code)
    response = redirect("bare-verify")
    response.set_cookie(COOKIE, phone, max_age=int(TTL.total_seconds()), httponly=True)
    return response


def verify(request: HttpRequest) -> HttpResponse:
    phone = request.COOKIES.get(COOKIE)
    if not phone:
        return redirect("bare-start")
    if request.method != "POST":
        return render(request, "bare/verify.html")
    row = Code.objects.filter(phone=phone, created_at__gte=timezone.now() - TTL).first()
    typed = request.POST.get("code", "")
    if row is None or not constant_time_compare(typed, row.code) or not row.delete()[0]:
        return render(request, "bare/verify.html", {"error": True}, status=400)
    user = get_user_model().objects.get(username=phone)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    response = redirect("account")
    response.delete_cookie(COOKIE)
    return response
