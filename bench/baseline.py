"""The bare-Django baseline: a view pair that stores a code in the session and calls login().

No phone parsing, no rate limits, no attempt counting, no challenge rows: the least a site
could do to sign someone in with a code by SMS. It sends through the same SMS backend and
renders the same layout as the app's pages, so the comparison isolates django-webotp's work.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare

from django_webotp.sms import send_sms

SESSION_KEY = "bare"


def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        phone = request.POST.get("phone_number", "").strip()
        code = f"{secrets.randbelow(10**6):06d}"
        request.session[SESSION_KEY] = {"phone": phone, "code": code}
        send_sms(phone, f"{code} is your code.\n\n@127.0.0.1 #{code}")
        return redirect("bare-verify")
    return render(request, "bare/start.html")


def verify(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SESSION_KEY)
    if state is None:
        return redirect("bare-start")
    if request.method == "POST":
        if constant_time_compare(request.POST.get("code", ""), state["code"]):
            user = get_user_model().objects.get(username=state["phone"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(SESSION_KEY, None)
            return redirect("account")
        return render(request, "bare/verify.html", {"error": True}, status=400)
    return render(request, "bare/verify.html")
