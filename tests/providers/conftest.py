"""Fixtures for the provider backends: local stand-in servers, a throw-away TLS certificate."""

from __future__ import annotations

import datetime
import ipaddress
import logging
import socket

import pytest

from django_webotp.sms import clients
from tests.support.providers import SECRETS

from .server import ProviderServer


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made fresh for the run."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(certfile), str(keyfile)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Requests to the stand-ins go straight to 127.0.0.1, whatever the environment says."""
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def provider_server():
    """A plain-HTTP stand-in on 127.0.0.1."""
    server = ProviderServer().start()
    yield server
    server.stop()


@pytest.fixture
def tls_provider_server(tls_files, monkeypatch):
    """An HTTPS stand-in on 127.0.0.1 whose certificate requests and ssl trust for the test."""
    certfile, keyfile = tls_files
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certfile)
    monkeypatch.setenv("SSL_CERT_FILE", certfile)
    server = ProviderServer(certfile, keyfile).start()
    yield server
    server.stop()


@pytest.fixture
def unanswered_host():
    """``127.0.0.1:port`` where a connection is never accepted (its listen backlog is full), so
    a client meets its connect timeout, as with a provider that is down."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    for sock in [*fillers, listener]:
        sock.close()


@pytest.fixture
def all_logs(caplog):
    """Every log record at DEBUG and up, SDKs' included, to search for leaked secrets."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def aws_environment(monkeypatch, tmp_path):
    """Made-up credentials, no shared config files, and no instance-metadata lookups."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRETS["aws_secret"])
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)


@pytest.fixture(autouse=True)
def _fresh_provider_clients():
    """Each test builds its own provider clients: the environment (AWS credentials, a proxy)
    shapes a client as it is built, and a test's environment is its own."""
    clients.forget()
    yield
    clients.forget()
