import pytest
import redis
from django.db import connection

from .harness import REDIS_URL, Server


@pytest.fixture(scope="package")
def redis_db():
    """The proofs' own Redis database (14), emptied before and after; no other is touched."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(scope="package")
def start_server(django_db_setup, redis_db):
    """Start gunicorn servers on the test database; all stop when the package's tests end."""
    servers = []

    def start(**options):
        server = Server(connection.settings_dict["NAME"], **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="package")
def threaded_server(start_server):
    """4 worker processes x 16 threads: 64 requests can be in the database at once."""
    return start_server(workers=4, threads=16)
