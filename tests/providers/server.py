"""A stand-in for a provider's API on 127.0.0.1 that records each request and answers as told.

Tests queue answers (``server.reply(...)``) the way the provider documents them, send through the
real SDK, then assert on ``server.requests``: method, path, query, headers, raw body, and the body
parsed as a form or as JSON. ``server.hang()`` makes the next request wait (bounded) so clients
hit their read timeout; ``server.drop()`` hangs up without answering. With a certificate it
speaks HTTPS, since some SDKs only build https:// URLs.
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["Answer", "ProviderServer", "RecordedRequest"]

# Longest a hung request is held; teardown releases it at once. Keeps every test bounded.
HANG_LIMIT = 10


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        pairs = parse_qs(self.body.decode(), keep_blank_values=True, strict_parsing=False)
        return {key: values[-1] for key, values in pairs.items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get(name.lower())


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    hang: bool = False
    drop: bool = False


class _Handler(BaseHTTPRequestHandler):
    server: ProviderServer
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.server.requests.append(
            RecordedRequest(
                method=self.command,
                path=parts.path,
                query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                headers=dict(self.headers.items()),
                body=body,
            )
        )
        answer = self.server.next_answer()
        if answer.drop:
            self.close_connection = True
            return
        if answer.hang:
            self.server.release.wait(HANG_LIMIT)
            self.close_connection = True
            return
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:  # the client gave up first
            self.close_connection = True

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, certfile: str | None = None, keyfile: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[RecordedRequest] = []
        self.answers: list[Answer] = []
        self.release = threading.Event()
        self.scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.socket = context.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def reply(
        self,
        status: int = 200,
        body: Any = None,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Queue the answer to the next request (answers are used in order; the last repeats)."""
        if isinstance(body, dict | list):
            raw = json.dumps(body).encode()
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = body or b""
        self.answers.append(Answer(status, raw, {"Content-Type": content_type, **(headers or {})}))

    def hang(self) -> None:
        """The next request gets no answer until the test ends (or HANG_LIMIT passes)."""
        self.answers.append(Answer(hang=True))

    def drop(self) -> None:
        """The next request's connection is closed without an answer."""
        self.answers.append(Answer(drop=True))

    def next_answer(self) -> Answer:
        if len(self.answers) > 1:
            return self.answers.pop(0)
        return self.answers[0] if self.answers else Answer()

    def start(self) -> ProviderServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join(HANG_LIMIT)
