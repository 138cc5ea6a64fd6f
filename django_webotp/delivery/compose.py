"""A challenge becomes the text of its SMS: the purpose's template, then the origin-bound line."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string

from ..conf import webotp_settings
from ..models import Challenge, PhoneIdentity
from ..purposes import spec
from ..sms_format import build_message, sms_segments
from ..sms_format.hosts import host_or_none, without_port
from ..wording import unnamable_host
from . import links

__all__ = [
    "PHONE_TAKEN_TEMPLATE",
    "notice_body",
    "origin_bound_body",
    "render_body",
    "site_name",
    "sms_domain",
]

logger = logging.getLogger("django_webotp")

PHONE_TAKEN_TEMPLATE = "django_webotp/sms/phone_change_taken.txt"
NOTICE_TEMPLATE = "django_webotp/sms/phone_changed.txt"


def sms_domain(request: HttpRequest | None) -> str:
    """The host in the "@host #code" line: WEBOTP_DOMAIN, else the request's host minus port."""
    if webotp_settings.DOMAIN:
        return webotp_settings.DOMAIN
    if request is None:
        raise ImproperlyConfigured("Set WEBOTP_DOMAIN to send codes outside a request.")
    host = without_port(request.get_host())
    if host_or_none(host) is None:  # "[::1]", "localhost.": a 400 (DEBUG only), not a 500
        raise DisallowedHost(unnamable_host(host))
    return host


def site_name(request: HttpRequest | None, domain: str) -> str:
    if webotp_settings.SITE_NAME:
        return webotp_settings.SITE_NAME
    if apps.is_installed("django.contrib.sites") and request is not None:
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
    purpose = spec(challenge.purpose)
    context: dict[str, Any] = {
        "domain": domain,
        "site_name": site or site_name(request, domain),
        "challenge": challenge,
        "description": challenge.action_description,
        "ttl_minutes": max(round(webotp_settings.CODE_TTL / 60), 1),
    }
    if purpose.number_must_be_free and PhoneIdentity.objects.held_by_another(
        challenge.phone, challenge.user_id
    ):
        # No code: the number is another account's. Only whoever holds the phone reads this, and
        # the person who typed the number sees the same "code sent" page either way.
        return render_to_string(PHONE_TAKEN_TEMPLATE, context, request).strip()
    code = context["code"] = challenge.make_code()
    link = context["link"] = links.sms_link(challenge, request, code, domain)
    text = str(render_to_string(purpose.sms_template, context, request)).strip()
    if link and link not in text:  # a template may place {{ link }} itself
        text = f"{text}\n{link}"
    return origin_bound_body(text, code, domain)


def origin_bound_body(text: str, code: str, domain: str) -> str:
    """``text``, then the "@domain #code" line: the one composition of every code's SMS, ours
    and the integrations' (django-allauth's and django-two-factor-auth's codes).

    WEBOTP_EMBEDDED_DOMAIN and WEBOTP_ANDROID_APP_HASH extend the last line (see sms_format).
    """
    app_hash = webotp_settings.ANDROID_APP_HASH or None
    body = build_message(
        text, domain, code, webotp_settings.EMBEDDED_DOMAIN or None, trailing_text=app_hash
    )
    if app_hash and sms_segments(body) > 1:
        logger.warning("The SMS is over 140 bytes, so Android's SMS Retriever will ignore it.")
    return body


def notice_body(request: HttpRequest, new_number: str) -> str:
    """The SMS that tells a replaced number which number took its place (its last digits)."""
    domain = sms_domain(request)
    context = {"site_name": site_name(request, domain), "ending": new_number[-2:]}
    return render_to_string(NOTICE_TEMPLATE, context, request).strip()
