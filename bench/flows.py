"""The sign-in of each target as a list of steps, shared by the test client and the load clients.

Pure Python (no Django, no django-webotp), so that every target's virtualenv can import it.
A step names the request, the status it must answer, and what it adds to the sign-in's state
(the code read from the SMS, a peer's session token). ``send`` is the client's: it takes
(method, path, body or None, content type or None, extra headers) and returns
(status, headers as a dict of lower-case names, body text).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FLOWS", "STEPS", "Step", "code_from_sms", "sign_in", "wait_for_sms"]

STEPS = ["page", "start", "code", "verify", "account"]
ACCOUNT = "/account/"

Send = Callable[[str, str, Any, str | None, dict[str, str]], tuple[int, dict[str, str], str]]


def code_from_sms(body: str) -> str:
    """The code of the origin-bound last line "@host #code" every target's SMS ends with."""
    match = re.search(r"^@\S+ #(\S+)", body.rsplit("\n", 1)[-1])
    if match is None:
        raise RuntimeError(f"no code in the SMS {body!r}")
    return match.group(1)


def wait_for_sms(inbox: Any, key: str, timeout: float = 10.0) -> str:
    """The SMS under ``key`` in the Redis inbox, taken out; waits a little for a late send."""
    deadline = time.monotonic() + timeout
    while (body := inbox.getdel(key)) is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no SMS in {key} after {timeout:g} s")
        time.sleep(0.005)
    return body.decode()


@dataclass(frozen=True)
class Step:
    name: str  # one of STEPS
    method: str
    path: str
    status: int
    form: Callable[[dict[str, str]], dict[str, str]] | None = None  # urlencoded fields
    json: Callable[[dict[str, str]], dict[str, str]] | None = None  # a JSON object
    reads_sms: bool = False  # after this step the client reads the code from the SMS
    keeps: tuple[str, ...] = field(default=())  # JSON members of the answer kept in the state


def _phone(state: dict[str, str]) -> dict[str, str]:
    return {"phone_number": state["phone"]}


def _code(state: dict[str, str]) -> dict[str, str]:
    return {"code": state["code"]}


def _account() -> Step:
    return Step("account", "GET", ACCOUNT, 200)


FLOWS: dict[str, list[Step]] = {
    # Two HTML pages and two form posts: the bare ceiling and django-webotp's shipped pages.
    "bare": [
        Step("page", "GET", "/bare/", 200),
        Step("start", "POST", "/bare/", 302, form=_phone),
        Step("code", "GET", "/bare/verify/", 200, reads_sms=True),
        Step("verify", "POST", "/bare/verify/", 302, form=_code),
        _account(),
    ],
    "webotp-html": [
        Step("page", "GET", "/login/", 200),
        Step("start", "POST", "/login/", 302, form=_phone),
        Step("code", "GET", "/login/verify/", 200, reads_sms=True),
        Step("verify", "POST", "/login/verify/", 302, form=_code),
        _account(),
    ],
    # JSON: the "page" is the call a client makes first for its CSRF cookie.
    "webotp-json": [
        Step("page", "GET", "/api/webotp/status/", 400),
        Step("start", "POST", "/api/webotp/start/", 202, json=_phone, reads_sms=True),
        Step("verify", "POST", "/api/webotp/verify/", 200, json=_code),
        _account(),
    ],
    # django-phone-verify needs no CSRF cookie (anonymous DRF calls): no page.
    "phoneverify": [
        Step(
            "start",
            "POST",
            "/api/phone/register",
            200,
            json=_phone,
            reads_sms=True,
            keeps=("session_token",),
        ),
        Step(
            "verify",
            "POST",
            "/api/phone/verify",
            200,
            json=lambda s: {
                "phone_number": s["phone"],
                "session_token": s["session_token"],
                "security_code": s["code"],
            },
        ),
        _account(),
    ],
    # allauth's headless browser API: the session call sets the CSRF cookie (401: signed out);
    # requesting a code answers 401 too, with the login_by_code flow pending.
    "allauth": [
        Step("page", "GET", "/_allauth/browser/v1/auth/session", 401),
        Step(
            "start",
            "POST",
            "/_allauth/browser/v1/auth/code/request",
            401,
            json=lambda s: {"phone": s["phone"]},
            reads_sms=True,
        ),
        Step("verify", "POST", "/_allauth/browser/v1/auth/code/confirm", 200, json=_code),
        _account(),
    ],
}


def sign_in(
    flow: str,
    phone: str,
    send: Send,
    csrf: Callable[[], str],
    read_sms: Callable[[str], str],
    around: Callable[[str, Callable[[], Any]], Any] = lambda name, call: call(),
) -> None:
    """One complete sign-in; ``around(step name, call)`` times or traces each request."""
    state = {"phone": phone}
    for step in FLOWS[flow]:
        headers: dict[str, str] = {}
        body: Any = None
        content_type = None
        if step.method == "POST":
            token = csrf()
            if step.form is not None:
                content_type = "application/x-www-form-urlencoded"
                body = {"csrfmiddlewaretoken": token, **step.form(state)}
            else:
                assert step.json is not None
                content_type = "application/json"
                body = json.dumps(step.json(state))
                headers["X-CSRFToken"] = token
        status, _, text = around(
            step.name,
            lambda s=step, b=body, c=content_type, h=headers: send(s.method, s.path, b, c, h),
        )
        if status != step.status:
            raise RuntimeError(
                f"{flow} {step.name}: HTTP {status}, expected {step.status}: {text[:300]}"
            )
        if step.keeps:
            answer = json.loads(text)
            state.update({name: answer[name] for name in step.keeps})
        if step.reads_sms:
            state["code"] = code_from_sms(read_sms(phone))
        if step.name == "account" and phone not in text:
            raise RuntimeError(f"{flow}: the signed-in page does not show the account")
