"""A browser for the load clients: plain http.client on loopback, cookies kept per sign-in."""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

__all__ = ["Browser"]


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def send(
        self, method: str, path: str, body: Any, content_type: str | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], str]:
        """One request on a new connection (as the flows in bench/flows.py call it)."""
        if isinstance(body, dict):
            body = urlencode(body)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **headers}
        if content_type:
            sent["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, {k.lower(): v for k, v in response.headers.items()}, text

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.send("GET", path, None, None, {})

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], str]:
        form = {"csrfmiddlewaretoken": self.csrf(), **data}
        return self.send("POST", path, form, "application/x-www-form-urlencoded", {})
