"""Resend under concurrency: two resends at once leave exactly one pending challenge.

Both requests replace the open challenge; the partial unique index lets only one insert win at
a time, and the loser retries (Challenge.objects.issue). Repeated to give the race its chances.
"""

from django_webotp.models import Challenge

from .harness import MARKS, all_at_once

pytestmark = MARKS

PHONE = "+447911123459"
ROUNDS = 20


def test_two_resends_at_once_leave_one_pending_challenge(threaded_server):
    browser = threaded_server.browser()
    assert browser.post("/login/", {"phone_number": PHONE}).status == 302
    for round_number in range(ROUNDS):
        tabs = [browser.clone(), browser.clone()]
        answers = all_at_once([lambda tab=tab: tab.post("/login/resend/") for tab in tabs])
        assert [getattr(a, "status", a) for a in answers] == [302, 302], f"round {round_number}"
        assert Challenge.objects.pending().filter(phone_number=PHONE).count() == 1
        assert Challenge.objects.open().filter(phone_number=PHONE).count() == 1
        browser = tabs[1]  # carry on from one of the tabs, as a person would
    assert Challenge.objects.filter(phone_number=PHONE).count() == 1 + 2 * ROUNDS
