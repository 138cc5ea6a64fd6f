"""Random requests for the fuzz test: routes, methods, bodies, content types and headers.

Everything is drawn from one ``random.Random``, so a seed gives the same requests every run.
"""

from __future__ import annotations

import json
import random
import re
import string
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

#: Field names the site's forms and receipts read: a random body uses them often, so that the
#: values reach the code behind the form instead of only the parser.
FIELDS = [
    "phone_number",
    "code",
    "next",
    "step",
    "remember",
    "webotp-step",
    "webotp-code",
    "amount",
    "username",
    "password",
    "csrfmiddlewaretoken",
    "cf-turnstile-response",
    "MessageSid",
    "SmsSid",
    "MessageStatus",
    "ErrorCode",
    "messageId",
    "status",
    "err-code",
    "timestamp",
    "sig",
    "id",
    "error_code",
]
STEPS = ["send", "resend", "code", "verify", ""]
PHONES = ["+447400123456", "+447911123456", "07400123456", "+1", "+15005550006", "+999"]
METHODS = ["GET"] * 6 + ["POST"] * 10 + ["HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"]
#: What no HTML form sends, but a client may: invisible, bidirectional, NUL, a lone surrogate.
ODD_TEXT = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u202e",
    "\u200f",
    "\ufeff",
    "\u2028",
    "²",
    "١٢٣",
    "𝟙𝟚𝟛",
    "ß",
    "İ",
    "🙂",
    "\r\n",
    "%00",
    "%ff",
    "../",
    "//evil.example",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "<script>",
]
HOSTS = [
    "testserver",
    "localhost",
    "localhost:8000",
    "127.0.0.1",
    "127.0.0.1:8000",
    "[::1]",
    "[::1]:8000",
    "localhost.",
    "localhost.:8000",
    "LOCALHOST",
    "evil.example",
    "testserver:99999",
    "testserver:abc",
    "[::1",
    "",
]
#: Charsets Django parses (or ignores, if unknown) before our code sees the body.
CHARSETS = ["utf-8", "UTF8", "latin-1", "utf-16", "ascii", "bogus", "utf-7", ""]
#: Charsets naming codecs that cannot decode with errors="replace" ("idna", "undefined") or are
#: no text codec ("base64"). Django itself crashes on some of them before any app code runs
#: (see DJANGO_DEFECTS in test_every_route.py); where our code reads the body (the API, the
#: receipts) it must answer 400.
UNDECODABLE_CHARSETS = ["idna", "undefined", "base64", "rot13", "punycode", "hex", "zlib"]


def q(text: str) -> str:
    """``text`` percent-encoded, lone surrogates included (as WTF-8 bytes a client may send)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def routes() -> list[str]:
    """Every URL pattern of the site, as a route string ("login/c/<str:token>/")."""

    def walk(resolver: URLResolver, prefix: str) -> list[str]:
        found = []
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found.extend(walk(pattern, route))
            elif isinstance(pattern, URLPattern):
                found.append(route)
        return found

    return walk(get_resolver(), "")


@dataclass
class Request:
    """One request to send, and what the failure message shows of it."""

    route: str
    method: str
    path: str
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return (
            f"{self.method} {self.path!r} ({self.route}) content_type={self.content_type!r} "
            f"headers={self.headers!r} extra={self.extra!r} body={self.body[:300]!r}"
        )


class Inputs:
    """The random choices, from one seeded generator."""

    def __init__(self, rng: random.Random, tokens: list[str]) -> None:
        self.rng = rng
        self.tokens = tokens  # valid one-tap link tokens, for the <str:token> route

    # --- text --------------------------------------------------------------------------------

    def text(self, size: int = 24) -> str:
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            return "".join(rng.choice(string.printable) for _ in range(rng.randrange(size)))
        if kind == 1:
            return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(size)))
        if kind == 2:
            return "".join(rng.choice(ODD_TEXT) for _ in range(rng.randrange(1, 5)))
        if kind == 3:
            return rng.choice(PHONES) + rng.choice(["", *ODD_TEXT])
        if kind == 4:
            return rng.choice(["0", "123456", "1" * 6, "9" * 40, "-1", "1e999", "20.00", ""])
        return "x" * rng.choice([0, 1, 255, 256, 4096, 20_000])

    def value(self, depth: int = 0) -> Any:
        """A JSON value of any type, sometimes nested."""
        rng = self.rng
        kind = rng.randrange(9 if depth < 4 else 6)
        choices: list[Any] = [
            None,
            rng.choice([True, False]),
            rng.choice([0, -1, 2**63, 10**400, 1.5]),
            self.text(),
            self.text(),
            rng.choice(STEPS + PHONES),
        ]
        if kind < len(choices):
            return choices[kind]
        if kind == 6:
            return [self.value(depth + 1) for _ in range(rng.randrange(4))]
        return {self.name(): self.value(depth + 1) for _ in range(rng.randrange(4))}

    def name(self) -> str:
        return self.rng.choice(FIELDS) if self.rng.random() < 0.8 else self.text(12)

    def fields(self) -> list[tuple[str, str]]:
        return [(self.name(), self.text()) for _ in range(self.rng.randrange(8))]

    def header_text(self) -> str:
        """What a real server passes on: any bytes but NUL, CR and LF (which gunicorn and h11
        refuse in a header, RFC 9110 section 5.5), read as latin-1."""
        raw = bytes(self.rng.randrange(1, 256) for _ in range(self.rng.randrange(40)))
        return raw.replace(b"\r", b"").replace(b"\n", b"").decode("latin-1")

    # --- bodies --------------------------------------------------------------------------------

    def json_body(self) -> bytes:
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0:
            depth = rng.choice([50, 2000, 100_000])
            return ("[" * depth + "]" * depth).encode()
        if kind == 1:
            return json.dumps(self.value()).encode("utf-8", "surrogatepass")
        if kind == 2:
            return b'{"phone_number": "' + bytes(rng.randrange(256) for _ in range(8)) + b'"}'
        data = {name: self.value() for name in rng.sample(FIELDS, rng.randrange(1, 6))}
        return json.dumps(data).encode("utf-8", "surrogatepass")

    def form_body(self) -> bytes:
        pairs = self.fields()
        encoded = "&".join(f"{q(k)}={q(v)}" for k, v in pairs)
        if self.rng.random() < 0.3:
            encoded += "&" + self.text(30)
        return encoded.encode("utf-8", "surrogatepass")

    def multipart_body(self, boundary: str) -> bytes:
        rng = self.rng
        parts = []
        for name, value in self.fields():
            head = f'Content-Disposition: form-data; name="{name}"'
            if rng.random() < 0.2:
                head += f'; filename="{self.text(10)}"\r\nContent-Type: {self.content_type()}'
            parts.append(
                f"--{boundary}\r\n{head}\r\n\r\n{value}\r\n".encode("utf-8", "surrogatepass")
            )
        if rng.random() < 0.2:
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randrange(64))))
        ending = f"--{boundary}--\r\n".encode() if rng.random() < 0.9 else b""
        return b"".join(parts) + ending

    def content_type(self) -> str:
        return self.rng.choice(
            ["text/plain", "application/json", "application/octet-stream", "image/png", ""]
        )

    def body(self) -> tuple[bytes, str | None]:
        rng = self.rng
        charsets = UNDECODABLE_CHARSETS if rng.random() < 0.2 else CHARSETS
        charset = rng.choice(charsets)
        suffix = f"; charset={charset}" if charset and rng.random() < 0.3 else ""
        kind = rng.randrange(8)
        if kind <= 1:
            return self.form_body(), "application/x-www-form-urlencoded" + suffix
        if kind == 2:
            boundary = rng.choice(["b", "----x", "a" * 70, "é", ""])
            return self.multipart_body(
                boundary
            ), f"multipart/form-data; boundary={boundary}{suffix}"
        if kind <= 4:
            kind_name = rng.choice(["application/json", "application/merge-patch+json"])
            return self.json_body(), kind_name + suffix
        if kind == 5:
            return self.text(200).encode("utf-8", "surrogatepass"), "text/plain" + suffix
        if kind == 6:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(512))), None
        return b"", rng.choice([None, "application/json", "bogus/type; charset=\x00"])

    # --- the request ---------------------------------------------------------------------------

    def path(self, route: str) -> str:
        rng = self.rng
        route = re.sub(r"\(\?P<app_label>([^|)]+)[^)]*\)", r"\1", route)  # admin's app list
        route = route.replace("^", "").replace("$", "")

        def fill(match: re.Match) -> str:
            if match.group(0).startswith("<str:token>") and self.tokens and rng.random() < 0.5:
                return rng.choice(self.tokens) + rng.choice(["", "", "x", "%00"])
            return q(self.text(20)) or "1"

        path = "/" + re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)", fill, route)
        if rng.random() < 0.5:
            query = [(self.name(), self.text()) for _ in range(rng.randrange(1, 4))]
            path += "?" + "&".join(f"{q(k)}={q(v)}" for k, v in query)
            if rng.random() < 0.2:
                path += rng.choice(["&next=%00", "&%ff=%fe", "&next=%2F%2Fevil.example"])
        return path

    def headers(self, csrf_token: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """Request headers, and WSGI environ entries (REMOTE_ADDR, a raw Cookie)."""
        rng = self.rng
        headers: dict[str, str] = {}
        extra: dict[str, str] = {"REMOTE_ADDR": f"192.0.2.{rng.randrange(1, 255)}"}
        if rng.random() < 0.4:
            headers["Host"] = rng.choice(HOSTS)
        if rng.random() < 0.3:
            headers["X-Forwarded-For"] = rng.choice(
                ["", "1.2.3.4", "1.2.3.4, 10.0.0.1", "::1", "unknown", self.header_text()]
            )
        if rng.random() < 0.3:
            headers["Accept-Language"] = rng.choice(
                ["es", "es-ES,es;q=0.9", "*", "xx-YY", "en;q=abc", ";;;", self.header_text()]
            )
        if rng.random() < 0.5:
            headers["X-CSRFToken"] = csrf_token or "" if rng.random() < 0.7 else self.header_text()
        if rng.random() < 0.2:
            headers["Cookie"] = rng.choice(
                ["csrftoken=" + "a" * 32, "sessionid=" + self.header_text(), self.header_text()]
            )
        for name in ["Origin", "Referer", "X-WebOTP-Timestamp", "X-WebOTP-Signature"]:
            if rng.random() < 0.1:
                headers[name] = self.header_text()
        if rng.random() < 0.1:
            headers["X-Twilio-Signature"] = rng.choice(["c2ln", self.header_text()])
        return headers, extra

    def request(self, route: str, csrf_token: str | None) -> Request:
        method = self.rng.choice(METHODS)
        body, content_type = (b"", None)
        if method not in ("GET", "HEAD") or self.rng.random() < 0.1:
            body, content_type = self.body()
        headers, extra = self.headers(csrf_token)
        return Request(route, method, self.path(route), body, content_type, headers, extra)
