"""An SMS budget holds across worker processes that share Redis: starts at once never send
more codes than it allows.

Four workers of eight threads take forty starts for forty numbers at once under a global budget
of ten an hour. Each start checks and counts its limits and budgets in one Lua script, so
exactly ten are let through, whichever worker and thread each reaches; were the budget read and
then counted in separate round trips, starts racing between the two would all pass.
"""

import pytest

from django_webotp.models import Challenge

from .harness import MARKS, all_at_once

pytestmark = MARKS

PHONES = [f"+4474005{n:05d}" for n in range(40)]
BUDGET = 10


@pytest.fixture(scope="module")
def budgeted_server(start_server):
    return start_server(workers=4, threads=8, WEBOTP_PROOF_SMS_BUDGET_GLOBAL=f"{BUDGET}/h")


def test_starts_at_once_never_exceed_a_budget(budgeted_server):
    browsers = [budgeted_server.browser() for _ in PHONES]
    answers = all_at_once(
        [
            lambda b=b, phone=phone: b.post("/login/", {"phone_number": phone})
            for b, phone in zip(browsers, PHONES, strict=True)
        ]
    )
    assert not [a for a in answers if isinstance(a, Exception)]
    statuses = sorted(a.status for a in answers)
    assert statuses == [302] * BUDGET + [429] * (len(PHONES) - BUDGET)
    assert Challenge.objects.filter(phone_number__in=PHONES).count() == BUDGET
    assert len({a.headers["X-Worker-Pid"] for a in answers}) > 1, "one worker took them all"
