"""Starts for one number take turns: eight at once answer the normal page, leave one open
challenge, and the code of the last SMS sent is the one that works, round after round.

The SMS go to a backend whose outbox all worker processes share in Redis, in the order they were
sent, each after a moment of provider latency (the window in which an unserialised start sent
an SMS whose code a later one had already replaced, or lost the insert race three times: a 500).
"""

import time

import pytest

from django_webotp.models import Challenge

from .harness import MARKS, all_at_once

pytestmark = MARKS

PHONE = "+447911123460"
OUTBOX = f"proof:sms:{PHONE}"
STARTS = 8
ROUNDS = 10


@pytest.fixture(scope="module")
def slow_provider_server(start_server):
    return start_server(
        workers=4,
        threads=4,
        WEBOTP_PROOF_SMS_BACKEND="tests.concurrency.recorder.RedisOutbox",
        WEBOTP_PROOF_SMS_DELAY="0.05",
    )


def test_simultaneous_starts_for_one_number_leave_the_last_sms_valid(
    slow_provider_server, redis_db
):
    for round_number in range(ROUNDS):
        redis_db.delete(OUTBOX)
        browsers = [slow_provider_server.browser() for _ in range(STARTS)]
        # Released together, then a click every 20 ms: later starts arrive during earlier sends.
        answers = all_at_once(
            [
                lambda b=b, i=i: time.sleep(i * 0.02) or b.post("/login/", {"phone_number": PHONE})
                for i, b in enumerate(browsers)
            ]
        )

        assert not [a for a in answers if isinstance(a, Exception)], f"round {round_number}"
        statuses = [a.status for a in answers]
        # A 500 shows the server's log: the traceback says which start failed, and how.
        log = slow_provider_server.output()[-4000:] if 500 in statuses else ""
        assert statuses == [302] * STARTS, f"round {round_number}\n{log}"
        assert {a.headers["Location"] for a in answers} == {"/login/verify/"}
        open_challenges = Challenge.objects.open().filter(phone_number=PHONE)
        assert open_challenges.count() == 1, f"round {round_number}"

        sent = [body.decode() for body in redis_db.lrange(OUTBOX, 0, -1)]
        code = open_challenges.get().make_code()
        assert sent, f"round {round_number}: no SMS"
        assert code in sent[-1], f"round {round_number}: the last SMS is not the valid code"
        # It verifies, in the one browser whose start sent it; the others' codes were replaced.
        verdicts = [b.post("/login/verify/", {"code": code}).status for b in browsers]
        assert sorted(verdicts) == [302] + [400] * (STARTS - 1), f"round {round_number}"
