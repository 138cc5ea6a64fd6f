"""A code step: the challenge one browser waits for, kept for that browser, and judging its code.

Every page or endpoint that takes a code (sign-in, the one-tap link, two-step verification, a
phone change, a confirmation, the JSON API) goes through a ``CodeStep``: it loads the challenge
the session names (only one of its own purpose, and of its account where the purpose has one),
applies the verify rate limit, judges the code, and remembers or forgets the challenge. The
front ends only turn its answers into pages or JSON.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from ..abuse.refusal import Refusal
from ..delivery import sweep
from ..delivery.compose import sms_domain
from ..models import Challenge, DeliveryStatus, PhoneIdentity, Verdict
from ..purposes import PurposeSpec, spec
from . import challenges, pending
from .challenges import StartResult

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["Check", "CodeStep"]

#: Delivery states that no longer change while the person is on the code page.
SETTLED = (DeliveryStatus.SENT, DeliveryStatus.SUPPRESSED, DeliveryStatus.PENDING)


@dataclass(frozen=True)
class Check:
    """What submitting a code concluded.

    No ``challenge``: this session waits for no code of this step. ``refusal``: too many codes
    came from this client. No ``verdict`` otherwise: the code was not well-formed (counted by the
    rate limit, not as an attempt).
    """

    challenge: Challenge | None
    refusal: Refusal | None = None
    verdict: Verdict | None = None

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VERIFIED


class CodeStep:
    """The code step of ``purpose`` in this request's session.

    ``user`` is the account the code is for (every purpose but sign-in has one); ``phone`` and
    ``action_digest``, when given, must match the challenge too (two-step verification follows
    the account's current number; a confirmation's code confirms one action only).
    """

    def __init__(
        self,
        request: HttpRequest,
        purpose: str,
        *,
        user: Any = None,
        phone: str | None = None,
        action_digest: str | None = None,
    ) -> None:
        self.request = request
        self.purpose: PurposeSpec = spec(purpose)
        self.user = user
        self.phone = phone
        self.action_digest = action_digest

    # --- the session entry -------------------------------------------------------------------

    @cached_property
    def _store(self) -> Any:
        """Where this step's state lives: sign-in's in the pending cookie (``pending``), every
        other purpose's in the session of the account it belongs to."""
        if self.purpose.signs_in:
            return pending.states(self.request)
        return self.request.session

    @property
    def state(self) -> dict[str, Any]:
        return self._store.get(self.purpose.session_key) or {}

    @property
    def next_url(self) -> str:
        return self.state.get("next", "")

    def remember(
        self, challenge: Challenge, *, next_url: str | None = None, notice: str = ""
    ) -> None:
        """Make ``challenge`` the one this browser waits for (``next`` kept unless given).

        The challenge it waited for before, if any, is kept as ``replaced``: its code, typed
        after this one was sent, is answered "a newer code was sent" and costs no attempt.
        """
        previous = self.state.get("challenge")
        self._store[self.purpose.session_key] = {
            "challenge": str(challenge.pk),
            "phone": challenge.phone,
            "code_length": challenge.code_length,
            # What the code page shows, so that it need not load the challenge (``shown``).
            "seen": [
                challenge.created_at.timestamp(),
                challenge.expires_at.timestamp(),
                challenge.max_attempts,
                str(challenge.delivery_status),
            ],
            "next": self.next_url if next_url is None else next_url,
            "notice": notice,
            "replaced": previous if previous != str(challenge.pk) else None,
        }
        self.__dict__["challenge"] = challenge

    @property
    def shown(self) -> Challenge | None:
        """The challenge as this browser's code page shows it.

        Sign-in's is rebuilt from its code step's state, with no query, when its SMS was
        settled as the code was asked for (sent in the request, withheld, or left to a thread
        whose outcome the page never tells): the page shows where the code went, when a new
        one may be asked for and the form, none of which a later change alters before the code
        is posted (``check`` loads what it needs). Any other is loaded. Never saved: its
        attempts and closing times are not known here.
        """
        state = self.state
        seen = state.get("seen")
        if not self.purpose.signs_in or "challenge" in self.__dict__ or not isinstance(seen, list):
            return self.challenge
        if state.get("locked"):  # too many wrong codes: its page offers a new code, not a field
            return self.challenge
        try:
            created, expires, max_attempts, delivery = seen
            if DeliveryStatus(delivery) not in SETTLED:
                return self.challenge
            return Challenge(
                id=uuid.UUID(state["challenge"]),
                phone_number=state["phone"],
                purpose=self.purpose.name,
                code_length=int(state["code_length"]),
                created_at=datetime.fromtimestamp(float(created), UTC),
                expires_at=datetime.fromtimestamp(float(expires), UTC),
                max_attempts=int(max_attempts),
                delivery_status=delivery,
            )
        except (KeyError, TypeError, ValueError):
            return self.challenge

    def with_challenge(self, challenge: Challenge | None) -> CodeStep:
        """This step judging ``challenge``, found some other way (a one-tap link's token)."""
        self.__dict__["challenge"] = challenge
        return self

    def forget(self) -> None:
        self._store.pop(self.purpose.session_key, None)
        self.__dict__["challenge"] = None

    def take_notice(self) -> str:
        """The one-off notice ("We sent a new code.") for the next page shown, then gone."""
        state = self.state
        notice = state.pop("notice", "")
        if notice:
            self._store[self.purpose.session_key] = state
        return notice

    @cached_property
    def challenge(self) -> Challenge | None:
        """The challenge this session waits for, if it is still this step's."""
        challenge_id = self.state.get("challenge")
        if not challenge_id:
            return None
        lookup: dict[str, Any] = {"pk": challenge_id, "purpose": self.purpose.name}
        if not self.purpose.signs_in:  # a code for an account is only that account's business
            lookup["user_id"] = getattr(self.user, "pk", None)
        try:  # get(), not filter().first(): no ORDER BY for a primary-key lookup on the hot path
            challenge = Challenge.objects.get(**lookup)
        except (Challenge.DoesNotExist, ValidationError):
            return None
        if not self._matches(challenge):
            return None
        # A send that stalled in the task queue is settled as it is read: nobody waits on a
        # sweeper to learn that their code will not come.
        return sweep.settle(challenge)

    def _matches(self, challenge: Challenge) -> bool:
        if self.phone is not None and challenge.phone != self.phone:
            return False  # a code sent to a number the account no longer has
        if self.action_digest is not None:
            return hmac.compare_digest(challenge.action_digest, self.action_digest)
        return True

    # --- sending -------------------------------------------------------------------------------

    def start(
        self, phone: str, *, next_url: str = "", remember_failed: bool = True, **fields: Any
    ) -> StartResult:
        """Send a code for this step to ``phone``; the session then waits for it.

        ``remember_failed=False``: a code whose SMS could not be sent is not waited for (the
        sign-in pages put the person back on the phone form instead of a code page).
        """
        sms_domain(self.request)  # a host no SMS can name is refused before anything is counted
        result = challenges.start(self.request, phone, self.purpose.name, user=self.user, **fields)
        if result.challenge is not None and (remember_failed or not result.delivery_error):
            self.remember(result.challenge, next_url=next_url)
        return result

    def resend(self, notice: str = "") -> StartResult | None:
        """A new code in place of the current one; None when this session waits for none."""
        challenge = self.challenge
        if challenge is None:
            return None
        sms_domain(self.request)
        result = challenges.resend(self.request, challenge)
        if result.challenge is not None:
            self.remember(result.challenge, notice="" if result.delivery_error else notice)
        return result

    def resend_in(self) -> int:
        return challenges.resend_in(self.challenge) if self.challenge is not None else 0

    # --- checking a code -----------------------------------------------------------------------

    @property
    def code_length(self) -> int | None:
        """The length of the code this browser waits for; None when it waits for none.

        Sign-in's is read from its code step's state, so that a code page need not load the
        challenge to build its form (``check`` finds out whether the challenge is still open).
        """
        length = self.state.get("code_length") if self.purpose.signs_in else None
        if isinstance(length, int) and "challenge" not in self.__dict__:
            return length
        return self.challenge.code_length if self.challenge is not None else None

    def check(self, code: str | None) -> Check:
        """Judge ``code`` (None: what was typed is not a code) under the verify rate limit.

        A sign-in's right code takes the short way (``challenges.use_up``: one UPDATE, no
        SELECT before it); every other answer is worked out from the loaded challenge.
        """
        state = self.state
        quick = (
            code is not None
            and self.purpose.signs_in
            and "challenge" not in self.__dict__
            and isinstance(state.get("code_length"), int)
            and bool(state.get("challenge") and state.get("phone"))
        )
        if not quick:
            challenge = self.challenge
            if challenge is None:
                return Check(None)
            refusal = challenges.verify_limit(self.request, challenge.phone, challenge.purpose)
            if refusal is not None:
                return Check(challenge, refusal=refusal)
            return self._judge(challenge, code)
        refusal = challenges.verify_limit(self.request, state["phone"], self.purpose.name)
        if refusal is not None:
            return Check(self.challenge, refusal=refusal)
        assert code is not None
        used = challenges.use_up(
            self.request,
            state["challenge"],
            state["phone"],
            self.purpose.name,
            state["code_length"],
            code,
        )
        if used is not None:
            self.__dict__["challenge"] = used
            return Check(used, verdict=Verdict.VERIFIED)
        challenge = self.challenge
        return Check(None) if challenge is None else self._judge(challenge, code)

    def _judge(self, challenge: Challenge, code: str | None) -> Check:
        if code is None:
            return Check(challenge)
        if self.purpose.number_must_be_free and PhoneIdentity.objects.held_by_another(
            challenge.phone, getattr(self.user, "pk", None)
        ):
            # Its SMS carried no code: judged as a wrong guess (no code is empty), so the answer
            # and the attempts left read exactly as they would for a free number.
            code = ""
        # The code of the challenge this session waited for before is told apart, for free,
        # only when the challenge judged is the one the session waits for now.
        waits_for = self.state.get("challenge") == str(challenge.pk)
        replaced = self.state.get("replaced") if waits_for else None
        verdict = challenges.verify(self.request, challenge, code, replaced_id=replaced)
        if verdict is Verdict.LOCKED and waits_for and self.purpose.signs_in:
            self._store[self.purpose.session_key] = {**self.state, "locked": True}
        return Check(challenge, verdict=verdict)
