"""What TwoFactorMiddleware costs a request that needs no code: its process_view, per request.

    .venv/bin/python -m bench.two_factor_middleware

A fully signed-in session (second step done) asks for the home page, with
WEBOTP_TWO_FACTOR_REQUIRED off and on. No database: the session lives in the cache and the user
is a stand-in, as the middleware reads only the session for such a request (the test
tests/test_decorators.py::test_the_middleware_costs_a_signed_in_session_no_query proves
it adds no query). Prints microseconds per request; never fails.
"""

from __future__ import annotations

import os
import timeit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

import django  # noqa: E402

django.setup()

from django.contrib.sessions.backends.cache import SessionStore  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.urls import resolve  # noqa: E402

from django_webotp.middleware import TwoFactorMiddleware  # noqa: E402

ROUNDS = 20_000


class SignedIn:
    is_authenticated = True
    pk = 1


def verified_request():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    request.session["webotp_2fa_verified"] = {"user": "1"}
    request.user = SignedIn()
    return request


def per_request(middleware: TwoFactorMiddleware, view) -> float:
    requests = iter([verified_request() for _ in range(ROUNDS)])
    return timeit.timeit(
        lambda: middleware.process_view(next(requests), view, (), {}), number=ROUNDS
    )


def main() -> None:
    middleware = TwoFactorMiddleware(lambda request: None)
    view = resolve("/").func
    for required in (False, True):
        with override_settings(WEBOTP_TWO_FACTOR_REQUIRED=required):
            seconds = per_request(middleware, view)
        print(f"WEBOTP_TWO_FACTOR_REQUIRED={required}: {seconds / ROUNDS * 1e6:.2f} µs per request")


if __name__ == "__main__":
    main()
