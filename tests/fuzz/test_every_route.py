"""Seeded random requests against every route of the test site: never a 5xx, never a crash.

Beyond the OpenAPI fuzz (tests/api/test_fuzz.py, the API alone, through its schema): random
bytes and text (NUL, lone surrogates, right-to-left marks), huge and deeply nested values, wrong
JSON types, every content type and charset, odd methods, junk Host, X-Forwarded-For, Cookie and
Accept-Language headers, against the HTML pages, the API, the receipts (some correctly signed, so
the code behind the signature check runs), the one-tap links (some with a real token) and the
dev pages (DEBUG on for some requests), from an anonymous browser, one with a code on its way,
and a signed-in one. ``Client(raise_request_exception=True)``: an unhandled exception fails the
test with its traceback and the request that caused it. The same seed sends the same requests.

Run with ``-s`` to see the figures: ``fuzz: seed 20261201, inputs 2000, routes 67/67, 5xx 0``.
"""

from __future__ import annotations

import json
import os
import random
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings
from twilio.request_validator import RequestValidator
from vonage_http_client import Auth

import django_webotp
from django_webotp.delivery.links import make_token
from django_webotp.models import Challenge, Purpose
from django_webotp.sms.backends.webhook import sign
from tests.support.accounts import PHONE
from tests.support.providers import SECRETS

from .inputs import Inputs, Request, routes

pytestmark = pytest.mark.django_db

SEED = 20261201
#: Requests per run: several thousand, in about a minute on a slow, shared machine.
REQUESTS = int(os.environ.get("WEBOTP_FUZZ_REQUESTS", 2000))
TWILIO_URL = "http://testserver/sms/receipts/twilio/"


@pytest.fixture
def fuzz_settings(settings):
    settings.WEBOTP_TWILIO_AUTH_TOKEN = SECRETS["twilio_token"]
    settings.WEBOTP_VONAGE_API_KEY = "vonage-key"
    settings.WEBOTP_VONAGE_SIGNATURE_SECRET = SECRETS["vonage_signature"]
    settings.WEBOTP_VONAGE_SIGNATURE_METHOD = "sha256"
    settings.WEBOTP_WEBHOOK_SECRET = SECRETS["webhook_secret"]
    settings.WEBOTP_LINK = True
    settings.WEBOTP_DOMAIN = "testserver"  # links are built from configuration only
    return settings


def browsers(alice) -> dict[str, Client]:
    """An anonymous browser, one with a sign-in code on its way, and a signed-in one."""
    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=True)
    waiting = Client(enforce_csrf_checks=True, raise_request_exception=True)
    waiting.get("/api/webotp/status/")
    token = waiting.cookies["csrftoken"].value
    started = waiting.post(
        "/api/webotp/start/",
        json.dumps({"phone_number": PHONE}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert started.status_code == 202, started.content
    member = Client(enforce_csrf_checks=True, raise_request_exception=True)
    member.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    member.get("/api/webotp/status/")
    return {"anonymous": anonymous, "waiting": waiting, "member": member}


def signed(request: Request, rng: random.Random) -> Request:
    """Sometimes, a receipt signed as its provider signs it: its fields then reach our code."""
    if request.method != "POST" or rng.random() < 0.5:
        return request
    if request.route == "sms/receipts/webhook/":
        stamp = str(int(time.time()))
        request.headers["X-WebOTP-Timestamp"] = stamp
        request.headers["X-WebOTP-Signature"] = sign(SECRETS["webhook_secret"], stamp, request.body)
    elif request.route == "sms/receipts/vonage/":
        fields = {"messageId": "m", "status": "delivered", "timestamp": str(int(time.time()))}
        fields.update(rng.sample(sorted(_vonage_extras(rng).items()), 2))
        auth = Auth(
            "vonage-key", signature_secret=SECRETS["vonage_signature"], signature_method="sha256"
        )
        fields["sig"] = auth.sign_params(dict(fields))
        request.body, request.content_type = (
            urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
        )
    elif request.route == "sms/receipts/twilio/":
        fields = {"MessageSid": "SM" + "0" * 32, "MessageStatus": rng.choice(["sent", "x", "\x00"])}
        validator = RequestValidator(SECRETS["twilio_token"])
        request.headers["X-Twilio-Signature"] = validator.compute_signature(TWILIO_URL, fields)
        request.headers.pop("Host", None)
        request.body, request.content_type = (
            urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
        )
    return request


def _vonage_extras(rng: random.Random) -> dict[str, str]:
    return {
        "messageId": rng.choice(["m", "\x00", "x" * 500, ""]),
        "status": rng.choice(["delivered", "failed", "\x00", "é" * 80]),
        "err-code": rng.choice(["0", "\x00", "9" * 64]),
        "timestamp": rng.choice([str(int(time.time())), "0", "²", "2026-12-01 00:00:00"]),
    }


#: Where Django itself crashes before, or without, any code of the app or the site running:
#: upstream defects that every Django site has, told apart from ours by the traceback alone.
#: WSGIRequest() decodes the query string with the declared charset ("idna", "base64": a
#: UnicodeError or LookupError, or TooManyFieldsSent raised while handling it), and so does
#: CsrfViewMiddleware reading request.POST before any view; the default 400 handler's CSRF
#: check reads request.POST again (a BadRequest for a non-UTF-8 form) while answering a bad Host.
APP_CODE = (str(Path(django_webotp.__file__).parent), str(Path(__file__).parents[1] / "project"))


def django_defect(exc: BaseException) -> bool:
    """Whether no frame of the traceback, nor of any exception chained to it, is our code."""
    seen: BaseException | None = exc
    while seen is not None:
        for frame, _ in traceback.walk_tb(seen.__traceback__):
            filename = frame.f_code.co_filename
            if filename.startswith(APP_CODE):
                return False
        seen = seen.__cause__ or seen.__context__
    return True


def send(client: Client, request: Request):
    return client.generic(
        request.method,
        request.path,
        request.body,
        content_type=request.content_type or "",
        headers=request.headers,
        **request.extra,
    )


def test_no_route_answers_5xx_to_random_input(fuzz_settings, alice, capsys):
    rng = random.Random(SEED)
    clients = browsers(alice)
    tokens = [make_token(c) for c in Challenge.objects.filter(purpose=Purpose.LOGIN)]
    inputs = Inputs(rng, tokens)
    every = routes()
    ours = [r for r in every if not r.startswith("admin/")]
    order = ours * 3 + [r for r in every if r.startswith("admin/")]
    rng.shuffle(order)
    statuses: Counter = Counter()
    covered: Counter = Counter()
    defects: Counter = Counter()
    began = time.monotonic()
    for number in range(REQUESTS):
        route = order[number % len(order)]
        client = clients[rng.choice(sorted(clients))]
        cookie = client.cookies.get("csrftoken")
        request = signed(inputs.request(route, cookie.value if cookie else None), rng)
        # One layer per request: the settings fixture would stack a layer per assignment.
        debug = override_settings(DEBUG=rng.random() < 0.3, WEBOTP_DEV_SIMULATOR=rng.random() < 0.5)
        covered[route] += 1
        try:
            with debug:
                response = send(client, request)
        except Exception as exc:
            if not django_defect(exc):
                raise AssertionError(
                    f"request {number} (seed {SEED}) crashed: {request.describe()}"
                ) from exc
            defects[f"{type(exc).__name__}: {exc}"[:90]] += 1
            continue
        assert response.status_code < 500, f"request {number}: {request.describe()}"
        statuses[response.status_code] += 1
    took = time.monotonic() - began
    with capsys.disabled():
        print(
            f"\nfuzz: seed {SEED}, inputs {REQUESTS}, routes {len(covered)}/{len(every)}, "
            f"5xx 0, {took:.1f} s, statuses {dict(sorted(statuses.items()))}, "
            f"crashes inside Django alone {sum(defects.values())}: {dict(defects)}"
        )
    assert set(covered) == set(every)
