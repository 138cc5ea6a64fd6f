"""Single use: 64 requests carrying the right code at once sign in exactly once, 50 times over.

The server runs 4 worker processes x 16 threads, so all 64 submissions of a round are in flight
in PostgreSQL together; the barrier in ``all_at_once`` releases them at the same moment.
"""

from django_webotp.models import Challenge

from .harness import MARKS, all_at_once

pytestmark = MARKS

PHONE = "+447911123456"
ROUNDS = 50
SUBMITTERS = 64
USED = "This code has already been used. Request a new code to sign in again."


def test_one_sign_in_per_code_however_many_submit_it(threaded_server):
    for round_number in range(ROUNDS):
        browser = threaded_server.browser()
        assert browser.post("/login/", {"phone_number": PHONE}).status == 302
        code = Challenge.objects.open().get(phone_number=PHONE).make_code()

        tabs = [browser.clone() for _ in range(SUBMITTERS)]
        answers = all_at_once(
            [lambda tab=tab, code=code: tab.post("/login/verify/", {"code": code}) for tab in tabs]
        )

        failures = [a for a in answers if isinstance(a, Exception)]
        assert not failures, f"round {round_number}: {failures[:3]}"  # no timeout, no reset
        statuses = sorted(a.status for a in answers)
        assert statuses == [302] + [400] * (SUBMITTERS - 1), f"round {round_number}"
        signed_in = [a for a in answers if a.status == 302]
        assert signed_in[0].headers["Location"] == "/"
        assert all(USED in a.body for a in answers if a.status == 400)

    assert Challenge.objects.filter(consumed_at__isnull=False).count() == ROUNDS
    assert set(Challenge.objects.values_list("attempts", flat=True)) == {1}


def test_one_sign_in_when_the_code_page_and_the_link_race(threaded_server):
    """Half the submissions through the code page, half through the link's confirmation page
    in other browsers: the same conditional UPDATE lets exactly one of them sign in."""
    from django_webotp.delivery import links

    half = SUBMITTERS // 2
    for round_number in range(ROUNDS // 2):
        desktop = threaded_server.browser()
        assert desktop.post("/login/", {"phone_number": PHONE}).status == 302
        challenge = Challenge.objects.open().get(phone_number=PHONE)
        code = challenge.make_code()
        phone = threaded_server.browser()
        assert phone.get(f"/login/c/{links.make_token(challenge)}/").status == 302

        desktop_tabs = [desktop.clone() for _ in range(half)]
        phone_tabs = [phone.clone() for _ in range(half)]
        answers = all_at_once(
            [lambda t=t, c=code: t.post("/login/verify/", {"code": c}) for t in desktop_tabs]
            + [lambda t=t, c=code: t.post("/login/c/", {"code": c}) for t in phone_tabs]
        )

        failures = [a for a in answers if isinstance(a, Exception)]
        assert not failures, f"round {round_number}: {failures[:3]}"
        assert [a.status for a in answers].count(302) == 1, f"round {round_number}"
        refused = [a for a in answers if a.status != 302]
        assert {a.status for a in refused} <= {400, 410}
        assert all(USED in a.body for a in refused)

    assert set(Challenge.objects.values_list("attempts", flat=True)) == {1}
