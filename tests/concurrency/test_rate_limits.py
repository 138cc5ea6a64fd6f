"""Rate limits hold across worker processes that share Redis: the (N+1)th request is refused.

Two sync gunicorn workers; each request holds its worker a moment (WEBOTP_PROOF_DELAY) so a
burst is spread over both, which the X-Worker-Pid header shows. Were the counts kept per
process (LocMemCache), each worker would have seen about N/2 requests and let the next one in.
"""

import pytest

from django_webotp.models import Challenge

from .harness import MARKS, all_at_once

pytestmark = MARKS

PHONE = "+447911123458"
LIMIT = 6


@pytest.fixture(scope="module")
def two_workers(start_server):
    return start_server(
        workers=2, WEBOTP_PROOF_RATELIMIT_PHONE=f"{LIMIT}/h", WEBOTP_PROOF_DELAY="0.1"
    )


def test_the_phone_limit_is_shared_by_all_workers(two_workers):
    browsers = [two_workers.browser() for _ in range(LIMIT + 1)]
    answers = all_at_once(
        [lambda b=b: b.post("/login/", {"phone_number": PHONE}) for b in browsers[:LIMIT]]
    )
    assert [a.status for a in answers] == [302] * LIMIT
    workers = {a.headers["X-Worker-Pid"] for a in answers}
    assert len(workers) == 2, "the burst did not reach both workers"

    refused = browsers[LIMIT].post("/login/", {"phone_number": PHONE})
    assert refused.status == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert "Too many requests" in refused.body
    assert Challenge.objects.filter(phone_number=PHONE).count() == LIMIT
