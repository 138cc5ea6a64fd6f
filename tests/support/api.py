"""API clients that behave like a single-page app and like a native app, and check each answer
against the spec."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse
from jsonschema import Draft202012Validator

from django_webotp.api.views import document

PHONE = "+447400123456"  # a GB mobile

ROUTES = {
    "start": ("/start/", "post"),
    "verify": ("/verify/", "post"),
    "resend": ("/resend/", "post"),
    "status": ("/status/", "get"),
    "openapi": ("/openapi.json", "get"),
    "passkey_sign_in_options": ("/passkeys/sign-in/options/", "post"),
    "passkey_sign_in": ("/passkeys/sign-in/", "post"),
    "passkey_register_options": ("/passkeys/register/options/", "post"),
    "passkey_register": ("/passkeys/register/", "post"),
}


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def check_against_spec(name: str, response) -> None:
    """Fail unless the document lists ``response`` for route ``name``, body and headers."""
    spec = document()
    path, method = ROUTES[name]
    responses = spec["paths"][path][method]["responses"]
    status = str(response.status_code)
    if response.status_code == 405:  # any route, for a method it does not list
        assert response["Allow"]
        assert response.json()["error"] == "method_not_allowed"
        return
    assert status in responses, f"{name} answered {status}, which the document does not list"
    documented = responses[status]
    pointer = f"#/paths/{_escape(path)}/{method}/responses/{status}"
    if "$ref" in documented:
        pointer = documented["$ref"]
        documented = spec["components"]["responses"][pointer.rsplit("/", 1)[1]]
    for header, rules in documented.get("headers", {}).items():
        if rules.get("required"):
            assert response.has_header(header), f"{name} {status} lacks {header}"
    assert response["Content-Type"] == "application/json"
    schema_pointer = f"{pointer}/content/{_escape('application/json')}/schema"
    Draft202012Validator({**spec, "$ref": schema_pointer}).validate(response.json())


class Api:
    """Calls the API as a browser-side app does: session cookie kept, CSRF token in a header."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.responses: list[Any] = []

    @property
    def token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        if cookie is None:
            self.call("status")
            cookie = self.client.cookies["csrftoken"]
        return cookie.value

    def call(self, name: str, data: Any = None, *, form: bool = False, **extra: Any):
        url = reverse(f"webotp_api:{name}")
        if ROUTES[name][1] == "get":
            response = self.client.get(url, **extra)
        else:
            headers = {"X-CSRFToken": self.token, **extra.pop("headers", {})}
            if form:
                response = self.client.post(url, data or {}, headers=headers, **extra)
            else:
                body = json.dumps(data if data is not None else {})
                response = self.client.post(
                    url, body, content_type="application/json", headers=headers, **extra
                )
        check_against_spec(name, response)
        self.responses.append(response)
        return response

    def start(self, phone: str = PHONE, **fields: Any):
        return self.call("start", {"phone_number": phone, **fields})

    def verify(self, code: Any):
        return self.call("verify", {"code": code})

    def resend(self, data: Any = None):
        return self.call("resend", data)

    def status(self):
        return self.call("status")


class NativeApp:
    """Calls the API as an Android app's HTTP client does: HTTPS, no Origin, no Referer, no
    cookie jar (each call starts without cookies), the flow token in X-WebOTP-Flow."""

    def __init__(self, client: Client | None = None) -> None:  # a client: cookies sent along
        self.client = client or Client(enforce_csrf_checks=True)
        self.keeps_cookies = client is not None
        self.flow = "new"

    def call(self, name: str, data: Any = None, *, flow: str | None = None, **headers: str):
        if not self.keeps_cookies:
            self.client.cookies.clear()
        url = reverse(f"webotp_api:{name}")
        headers = {"X-WebOTP-Flow": self.flow if flow is None else flow, **headers}
        if name == "status":
            response = self.client.get(url, secure=True, headers=headers)
        else:
            body = json.dumps(data or {})
            response = self.client.post(
                url, body, content_type="application/json", secure=True, headers=headers
            )
        check_against_spec(name, response)
        if response.status_code == 202:
            self.flow = response.json()["flow_token"]
        return response

    def start(self, phone: str = PHONE, *, flow: str = "new", **fields: Any):
        return self.call("start", {"phone_number": phone, **fields}, flow=flow)

    def verify(self, code: Any, **kwargs: Any):
        return self.call("verify", {"code": code}, **kwargs)
