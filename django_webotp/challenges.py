"""Start a challenge and send its code; judge a submitted code. The views' one entry point.

Rate limits, signals and SMS delivery live here so that every front end (the HTML views, and
any other a site builds) gets the same defences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import budgets, links, signals
from .conf import webotp_settings
from .exceptions import SmsDeliveryError
from .models import Challenge, DeliveryStatus, PhoneIdentity, Purpose, Verdict
from .sms import SmsMessage, get_connection
from .sms_format import build_message, sms_segments
from .test_numbers import fixed_code, log_use
from .throttling import Throttle, hash_phone, hit

__all__ = [
    "StartResult",
    "client_ip",
    "deliver_code",
    "phone_held_by_another",
    "queue_code",
    "resend",
    "sms_domain",
    "start",
    "verify",
]

logger = logging.getLogger("django_webotp")


@dataclass(frozen=True)
class StartResult:
    """What starting (or resending) a challenge led to.

    ``throttle`` is set when a rate limit or an SMS budget refused it, ``refusal`` when the bot
    check did (no challenge then); ``delivery_error`` when the SMS could not be sent (the
    challenge is then closed and marked failed).
    """

    challenge: Challenge | None = None
    throttle: Throttle | None = None
    delivery_error: str | None = None
    refusal: str | None = None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def sms_domain(request: HttpRequest | None) -> str:
    """The host in the "@host #code" line: WEBOTP_DOMAIN, else the request's host minus port."""
    if webotp_settings.DOMAIN:
        return webotp_settings.DOMAIN
    if request is None:
        raise ImproperlyConfigured("Set WEBOTP_DOMAIN to send codes outside a request.")
    host = request.get_host().lower()
    if host.startswith("["):  # an IPv6 literal: "[::1]:8000"
        return host[: host.index("]") + 1]
    return host.rsplit(":", 1)[0]


def site_name(request: HttpRequest | None, domain: str) -> str:
    if webotp_settings.SITE_NAME:
        return webotp_settings.SITE_NAME
    from django.apps import apps

    if apps.is_installed("django.contrib.sites") and request is not None:
        from django.contrib.sites.shortcuts import get_current_site

        return get_current_site(request).name or domain
    return domain


def render_body(
    challenge: Challenge,
    request: HttpRequest | None,
    *,
    domain: str | None = None,
    site: str | None = None,
) -> str:
    """The SMS: the purpose's template for the human text, then the origin-bound line last.

    Each purpose has its template, ``django_webotp/sms/<purpose>.txt``; a confirmation's states
    the action (``description``). With WEBOTP_LINK a sign-in SMS also carries its one-tap link
    (after the text, unless the template puts ``{{ link }}`` somewhere itself);
    WEBOTP_EMBEDDED_DOMAIN and WEBOTP_ANDROID_APP_HASH extend the last line (see sms_format).

    ``domain`` and ``site`` (the site name) default to what the request says; a task worker,
    which has no request, passes the values the request had.
    """
    domain = domain or sms_domain(request)
    context: dict[str, Any] = {
        "domain": domain,
        "site_name": site or site_name(request, domain),
        "challenge": challenge,
        "description": challenge.action_description,
        "ttl_minutes": max(round(webotp_settings.CODE_TTL / 60), 1),
    }
    if challenge.purpose == Purpose.PHONE_CHANGE and phone_held_by_another(
        challenge.phone, challenge.user_id
    ):
        # No code: the number is another account's. Only whoever holds the phone reads this, and
        # the person who typed the number sees the same "code sent" page either way.
        return render_to_string(PHONE_TAKEN_TEMPLATE, context, request).strip()
    code = context["code"] = challenge.make_code()
    link = context["link"] = links.sms_link(challenge, request, code, domain)
    rendered = render_to_string(f"django_webotp/sms/{challenge.purpose}.txt", context, request)
    text = str(rendered).strip()
    if link and link not in text:  # a template may place {{ link }} itself
        text = f"{text}\n{link}"
    app_hash = webotp_settings.ANDROID_APP_HASH or None
    body = build_message(
        text, domain, code, webotp_settings.EMBEDDED_DOMAIN or None, trailing_text=app_hash
    )
    if app_hash and sms_segments(body) > 1:
        logger.warning("The SMS is over 140 bytes, so Android's SMS Retriever will ignore it.")
    return body


PHONE_TAKEN_TEMPLATE = "django_webotp/sms/phone_change_taken.txt"


def phone_held_by_another(phone_number: str, user_id: Any) -> bool:
    """Whether an account other than ``user_id``'s has verified this number."""
    return (
        PhoneIdentity.objects.filter(phone_number=str(phone_number))
        .exclude(user_id=user_id)
        .exists()
    )


def _limit(request: HttpRequest, phone: str, purpose: str, scope: str, rates, value=None):
    throttle = hit(request, scope, rates, value)
    if throttle.limited:
        signals.rate_limited.send(
            sender=Challenge,
            request=request,
            phone_number=phone,
            purpose=purpose,
            reason=scope,
            retry_after=throttle.retry_after,
        )
    return throttle


def start(
    request: HttpRequest,
    phone_number: str,
    purpose: str = Purpose.LOGIN,
    *,
    user: Any = None,
    action_digest: str = "",
    description: str = "",
) -> StartResult:
    """Check limits, budgets and the bot check; create the challenge and send its code.

    The per-IP limit comes first so that a flood from one client neither runs the (possibly
    remote) bot check nor uses up the victim number's own limit and budget. ``user`` is the
    account the code is for when it is known (two-step verification, a phone change, a
    confirmation); ``action_digest`` and ``description`` bind a confirmation to its action.
    """
    phone = str(phone_number)
    throttle = _limit(request, phone, purpose, "ip", webotp_settings.RATELIMIT_IP)
    if throttle.limited:
        return StartResult(throttle=throttle)
    # The bot check (a CAPTCHA) guards anonymous requests; a code for an account someone is
    # signed in to (with a password, at least) is asked for from pages that carry no widget.
    refusal = bot_check_refusal(request, phone) if user is None else None
    if refusal:
        return StartResult(refusal=refusal)
    throttle = _limit(
        request, phone, purpose, "phone", webotp_settings.RATELIMIT_PHONE, hash_phone(phone)
    )
    if throttle.limited:
        return StartResult(throttle=throttle)
    fixed = fixed_code(phone)
    # A test number is sent nothing, so it spends no SMS budget (rate limits still count it).
    exceeded = budgets.spend(phone) if fixed is None else None
    if exceeded:
        signals.budget_exceeded.send(
            sender=Challenge,
            request=request,
            phone_number=phone,
            purpose=purpose,
            reason=exceeded.scope,
            scope_value=exceeded.value if exceeded.scope != "number" else phone,
            rate=exceeded.rate,
            retry_after=exceeded.retry_after,
        )
        budget = f"budget:{exceeded.scope}"
        return StartResult(throttle=Throttle(True, exceeded.retry_after, budget))

    queued = webotp_settings.DELIVERY == "task"
    # Queued sends decide in the worker whether an unknown number gets its SMS, so that both
    # kinds of number go through the same "sending..." step on the code page.
    # Only a sign-in code to an unknown number (sign-up off) is withheld: the other purposes
    # send to a number their flow chose (the account's own, or the one being added).
    deliver = fixed is None and (
        queued
        or purpose != Purpose.LOGIN
        or webotp_settings.SIGNUP
        or PhoneIdentity.objects.filter(phone_number=phone).exists()
    )
    if not deliver:
        status = DeliveryStatus.SUPPRESSED
    else:
        status = DeliveryStatus.QUEUED if queued else DeliveryStatus.PENDING
    challenge = Challenge.objects.build(
        phone,
        purpose,
        ttl=webotp_settings.CODE_TTL,
        max_attempts=webotp_settings.MAX_ATTEMPTS,
        code_length=len(fixed) if fixed is not None else webotp_settings.CODE_LENGTH,
        requesting_ip=client_ip(request),
        user=user,
        delivery_status=status,
        action_digest=action_digest,
        action_description=description,
    )
    failure = None
    if deliver and not queued:
        # The code derives from the challenge's id, so the SMS can go out before the row
        # exists: the INSERT then records the outcome too (one write and one commit, not an
        # INSERT and an UPDATE), and no row ever says "pending" for a send in progress.
        failure = _send(challenge, request)
    elif not deliver:
        # Same work as for a known number, so timing tells nothing: rendered, not sent.
        render_body(challenge, request)
    Challenge.objects.replace_open(challenge)
    signals.code_requested.send(
        sender=Challenge, request=request, phone_number=phone, purpose=purpose, challenge=challenge
    )
    if fixed is not None:
        log_use(phone, "code requested, no SMS sent")
    if not deliver:
        return StartResult(challenge=challenge)
    if queued:
        return StartResult(challenge=challenge, delivery_error=queue_code(challenge, request))
    return StartResult(challenge=challenge, delivery_error=_announce(challenge, request, failure))


def bot_check_refusal(request: HttpRequest, phone_number: str) -> str | None:
    """Run WEBOTP_BOT_CHECK (e.g. a CAPTCHA): None to go on, or a message for the person."""
    path = webotp_settings.BOT_CHECK
    if not path:
        return None
    check = import_string(path) if isinstance(path, str) else path
    verdict = check(request, phone_number)
    if verdict is True or verdict is None:
        return None
    return verdict if isinstance(verdict, str) else str(_("Please confirm you are not a robot."))


def deliver_code(
    challenge: Challenge,
    request: HttpRequest | None,
    *,
    domain: str | None = None,
    site: str | None = None,
) -> str | None:
    """Send the challenge's SMS; record the outcome. Returns an error reason, or None if sent."""
    failure = _send(challenge, request, domain=domain, site=site)
    return _announce(challenge, request, failure)


def _send(
    challenge: Challenge,
    request: HttpRequest | None,
    *,
    domain: str | None = None,
    site: str | None = None,
) -> tuple[str, Exception] | None:
    """Send the SMS and note the outcome on the challenge; returns (reason, error) if it failed."""
    body = render_body(challenge, request, domain=domain, site=site)
    message = SmsMessage(to=challenge.phone, body=body)
    try:
        get_connection().send_messages([message])
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a provider failure must never become a 500 or a usable challenge
        reason = exc.reason if isinstance(exc, SmsDeliveryError) else "error"
        challenge.mark_failed(f"{reason}: {exc}")
        return reason, exc
    challenge.mark_sent(message.provider_message_id, message.backend)
    return None


def _announce(
    challenge: Challenge, request: HttpRequest | None, failure: tuple[str, Exception] | None
) -> str | None:
    """Log and signal how the send went (once the challenge is saved); the failure's reason."""
    payload = {
        "sender": Challenge,
        "request": request,
        "phone_number": challenge.phone,
        "purpose": challenge.purpose,
        "challenge": challenge,
    }
    if failure is None:
        signals.code_sent.send(**payload)
        return None
    reason, exc = failure
    logger.warning("Could not send a code to %s: %s", _mask(challenge), exc)
    signals.code_failed.send(reason=reason, **payload)
    return reason


def queue_code(challenge: Challenge, request: HttpRequest) -> str | None:
    """Enqueue the send (``WEBOTP_DELIVERY = "task"``) once the challenge is committed.

    The worker has no request, so the SMS's host, site name and language are worked out here and
    passed on; the code itself is not: the worker derives it, so no queue ever holds it. Returns an
    error reason when the queue refused the task (the challenge is then closed as failed).
    """
    from .tasks import send_code

    domain = sms_domain(request)
    name = site_name(request, domain)
    language = get_language()

    failure: list[str | None] = []

    def enqueue() -> None:
        try:
            send_code.enqueue(str(challenge.pk), domain, name, language)
        except ImproperlyConfigured:
            raise
        except Exception as exc:  # the queue is down: say so now, not "sending..." forever
            challenge.mark_failed(f"queue: {exc}")
            failure.append(_announce(challenge, request, ("queue", exc)))

    # A worker must find the challenge: with ATOMIC_REQUESTS this waits for the commit (and a
    # failure to enqueue then closes the challenge after the response has gone).
    transaction.on_commit(enqueue)
    return failure[0] if failure else None


def resend(request: HttpRequest, challenge: Challenge) -> StartResult:
    """A new code for the same number and purpose, no sooner than WEBOTP_RESEND_COOLDOWN."""
    waited = (timezone.now() - challenge.created_at).total_seconds()
    cooldown = webotp_settings.RESEND_COOLDOWN
    if waited < cooldown and challenge.delivery_status != DeliveryStatus.FAILED:
        return StartResult(
            throttle=Throttle(
                limited=True, retry_after=max(int(cooldown - waited), 1), scope="resend"
            )
        )
    return start(
        request,
        challenge.phone,
        challenge.purpose,
        user=challenge.user,
        action_digest=challenge.action_digest,
        description=challenge.action_description,
    )


def verify_throttle(request: HttpRequest, challenge: Challenge) -> Throttle:
    return _limit(
        request,
        challenge.phone,
        challenge.purpose,
        "verify",
        webotp_settings.RATELIMIT_VERIFY_IP,
    )


def verify(request: HttpRequest, challenge: Challenge, code: str) -> Verdict:
    """Judge ``code`` against ``challenge`` and send the matching signal."""
    fixed = fixed_code(challenge.phone)
    verdict = challenge.verify(code, fixed_code=fixed)
    if fixed is not None:
        log_use(challenge.phone, f"code submitted, {verdict}")
    payload = {
        "sender": Challenge,
        "request": request,
        "phone_number": challenge.phone,
        "purpose": challenge.purpose,
        "challenge": challenge,
    }
    if verdict is Verdict.VERIFIED:
        signals.code_verified.send(**payload)
        return verdict
    signals.code_rejected.send(reason=str(verdict), **payload)
    if verdict is Verdict.LOCKED and challenge.attempt_counted:  # this guess locked it
        signals.challenge_locked.send(reason=str(verdict), **payload)
    return verdict


def _mask(challenge: Challenge) -> str:
    phone = challenge.phone
    return phone[:4] + "…" + phone[-2:]
