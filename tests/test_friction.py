"""The bundled Turnstile bot check, against a stand-in for Cloudflare's siteverify on 127.0.0.1."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from django_webotp.friction import turnstile


@pytest.fixture
def siteverify(settings):
    """A local siteverify: records each form it gets and answers with ``answer["body"]``."""
    received = []
    # Cloudflare's answer for a token solved on this site's page (RequestFactory's host).
    answer = {"body": {"success": True, "hostname": "testserver"}, "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append(urllib.parse.parse_qs(self.rfile.read(length).decode()))
            payload = json.dumps(answer["body"]).encode()
            self.send_response(answer["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WEBOTP_TURNSTILE_SECRET = "turnstile-secret"
    settings.WEBOTP_TURNSTILE_URL = f"http://127.0.0.1:{server.server_port}/siteverify"
    yield received, answer
    server.shutdown()


def post(token="token-from-widget", **meta):
    data = {"phone_number": "+447400123456"}
    if token:
        data["cf-turnstile-response"] = token
    return RequestFactory().post("/", data, **{"REMOTE_ADDR": "203.0.113.9", **meta})


def test_a_valid_token_passes_and_is_sent_with_secret_and_ip(siteverify):
    received, _ = siteverify
    assert turnstile(post(), "+447400123456") is True
    assert received == [
        {
            "secret": ["turnstile-secret"],
            "response": ["token-from-widget"],
            "remoteip": ["203.0.113.9"],
        }
    ]


def test_cloudflare_is_sent_the_client_behind_a_trusted_proxy(siteverify, settings):
    received, _ = siteverify
    settings.WEBOTP_TRUSTED_PROXIES = 1
    request = post(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4, 192.0.2.7")

    assert turnstile(request, "+447400123456") is True
    assert received[0]["remoteip"] == ["192.0.2.7"]  # the client, not the proxy at REMOTE_ADDR


def test_a_token_solved_on_another_site_is_refused(siteverify, caplog):
    _, answer = siteverify
    answer["body"] = {"success": True, "hostname": "elsewhere.example"}

    assert turnstile(post(), "+447400123456") == (
        "The check that you are not a robot was completed on another site."
    )
    assert "Turnstile token solved on 'elsewhere.example', not on ['testserver']." in caplog.text


def test_cloudflares_test_secret_passes_with_its_own_hostname(siteverify, settings):
    """Cloudflare's always-pass test keys answer with "example.com", whatever the page: a site
    developing with them is not refused (they prove nothing anyway)."""
    _, answer = siteverify
    settings.WEBOTP_TURNSTILE_SECRET = "1x0000000000000000000000000000000AA"
    answer["body"] = {"success": True, "hostname": "example.com"}
    assert turnstile(post(), "+447400123456") is True
    settings.WEBOTP_TURNSTILE_SECRET = "1x0000000000000000000000000000000AB"  # not a test key
    assert turnstile(post(), "+447400123456") is not True


@pytest.mark.parametrize(
    ("hostname", "passes"),
    [("example.com", True), ("embed.example.net", True), ("testserver", False), ("", False)],
)
def test_with_webotp_domain_the_token_must_be_solved_there(siteverify, settings, hostname, passes):
    _, answer = siteverify
    settings.WEBOTP_DOMAIN = "example.com"
    settings.WEBOTP_EMBEDDED_DOMAIN = "embed.example.net"
    answer["body"] = {"success": True, "hostname": hostname}

    assert (turnstile(post(), "+447400123456") is True) is passes


def test_a_refused_token_is_refused_with_a_message(siteverify):
    _, answer = siteverify
    answer["body"] = {"success": False, "error-codes": ["invalid-input-response"]}
    assert "failed" in turnstile(post(), "+447400123456")


def test_no_token_is_refused_without_asking_cloudflare(siteverify):
    received, _ = siteverify
    assert "Please complete the check" in turnstile(post(token=""), "+447400123456")
    assert received == []


def test_cloudflare_errors_fail_closed(siteverify):
    _, answer = siteverify
    answer["status"] = 500
    assert "could not check" in turnstile(post(), "+447400123456")


def test_unreachable_cloudflare_fails_closed(settings):
    settings.WEBOTP_TURNSTILE_SECRET = "s"
    settings.WEBOTP_TURNSTILE_URL = "http://127.0.0.1:9/siteverify"  # discard port: refused
    assert "could not check" in turnstile(post(), "+447400123456")


def test_missing_secret_is_a_configuration_error(settings):
    settings.WEBOTP_TURNSTILE_SECRET = None
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_TURNSTILE_SECRET"):
        turnstile(post(), "+447400123456")
