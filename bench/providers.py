"""What a send costs in building the provider's client: a new client per send against a shared one.

Offline and in-process: SNS answers through moto, Twilio through an HTTP client of its SDK's
that answers 201 itself, so the figures are the library's own cost, not a network's. "Before"
builds every client anew for each send, as django-webotp did up to 0.x (and, for failover, every
member's, used or not); "after" is what it does now: one client per configuration and process,
built on first use. Run from the repository root with the test dependencies installed::

    python bench/providers.py [--sends N]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
SNS = "django_webotp.sms.backends.sns.SmsBackend"
TWILIO = "django_webotp.sms.backends.twilio.SmsBackend"


def configure() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        os.environ.setdefault(name, value)
    settings.configure(USE_TZ=True)
    django.setup()


def answering_twilio_client(status: int) -> object:
    """A Twilio HTTP client that answers every request itself, with ``status``."""
    import json

    from twilio.http.http_client import TwilioHttpClient
    from twilio.http.response import Response

    class Answering(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            body = {"sid": "SM" + "0" * 32, "status": "queued"}
            if status >= 400:
                body = {"code": 20500, "message": "Internal Server Error", "status": status}
            return Response(status, json.dumps(body))

    return Answering(timeout=5)


def per_send(send: Callable[[], None], sends: int) -> float:
    """Median milliseconds of one ``send()``."""
    timings = []
    for _ in range(sends):
        started = time.perf_counter()
        send()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sends", type=int, default=20, help="sends per figure (default 20)")
    sends = parser.parse_args().sends
    configure()
    logging.getLogger("django_webotp").setLevel(logging.ERROR)  # "twilio failed over", each time
    from moto import mock_aws

    from django_webotp.sms import SmsMessage, clients, get_connection
    from django_webotp.sms.backends.failover import SmsBackend as Failover

    sns = {"BACKEND": SNS, "OPTIONS": {"region": "eu-west-1"}}
    twilio_options = {"account_sid": ACCOUNT_SID, "auth_token": "t", "sender": "+15005550006"}

    def failover(twilio_status: int) -> Failover:
        client = answering_twilio_client(twilio_status)
        twilio = {"BACKEND": TWILIO, "OPTIONS": {**twilio_options, "http_client": client}}
        return Failover(backends=[twilio, sns])

    def send(connection: object, fresh: bool, every_member: bool = False) -> Callable[[], None]:
        def once() -> None:
            if fresh:  # as before: nothing kept, and failover built every member's client
                clients.forget()
                for member in getattr(connection, "backends", [connection]) if every_member else []:
                    member.client  # noqa: B018 -- built for its cost
            connection.send_messages([SmsMessage("+447700900123", "Your code is 123456.")])

        return once

    rows = []
    with mock_aws():
        sns_connection = get_connection(SNS, region="eu-west-1")
        twilio_first, twilio_down = failover(201), failover(500)
        for label, connection in (
            ("SNS", sns_connection),
            ("failover [twilio, sns], Twilio delivers", twilio_first),
            ("failover [twilio, sns], Twilio down", twilio_down),
        ):
            send(connection, fresh=False)()  # imports and first builds out of the figures
            before = per_send(send(connection, fresh=True, every_member=True), sends)
            clients.forget()
            after = per_send(send(connection, fresh=False), sends)
            rows.append((label, before, after))

    print(f"Median ms per send over {sends} sends (moto for SNS, Twilio answering in-process)")
    print(f"{'backend':<42} {'before':>8} {'after':>8}")
    for label, before, after in rows:
        print(f"{label:<42} {before:>8.2f} {after:>8.2f}")


if __name__ == "__main__":
    main()
