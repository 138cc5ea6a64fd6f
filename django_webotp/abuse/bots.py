"""Bot checks for ``WEBOTP_BOT_CHECK``: run before a code is sent, so bots pay before you do.

A bot check is any callable ``check(request, phone_number)`` returning True (or None) to go on,
or a message to show the person (False shows a generic one). ``turnstile`` below is a ready one
for Cloudflare Turnstile; a reCAPTCHA or hCaptcha check has the same shape. ``refusal`` runs the
configured one.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..sms_format.hosts import without_port
from .clients import client_ip
from .refusal import Refusal

__all__ = ["refusal", "turnstile"]

logger = logging.getLogger("django_webotp")

TURNSTILE_FIELD = "cf-turnstile-response"


#: Cloudflare's documented test secret keys: they answer for any token, with a hostname of
#: their own ("example.com"), so the hostname says nothing about where a token was solved.
CLOUDFLARE_TEST_SECRETS = frozenset(f"{digit}x0000000000000000000000000000000AA" for digit in "123")


def turnstile(request: HttpRequest, phone_number: str) -> bool | str:
    """Verify the Turnstile widget's token (``cf-turnstile-response``) with Cloudflare.

    Fails closed: no token, a refused token, a token solved on another site's page, or
    Cloudflare not answering within 5 seconds all refuse the code, with a message the person
    can act on. Cloudflare is sent the client's address as the rest of the app resolves it
    (``client_ip``: WEBOTP_TRUSTED_PROXIES), not the nearest proxy's.
    """
    secret = webotp_settings.TURNSTILE_SECRET
    if not secret:
        raise ImproperlyConfigured(
            "django_webotp.abuse.bots.turnstile needs WEBOTP_TURNSTILE_SECRET."
        )
    token = request.POST.get(TURNSTILE_FIELD, "")
    if not token:
        return _("Please complete the check that you are not a robot.")
    data = urllib.parse.urlencode(
        {"secret": secret, "response": token, "remoteip": client_ip(request) or ""}
    ).encode()
    url = webotp_settings.TURNSTILE_URL
    try:
        with urllib.request.urlopen(url, data=data, timeout=5) as answer:  # noqa: S310 (a setting)
            outcome = json.load(answer)
    except (OSError, ValueError) as exc:
        logger.warning("Turnstile did not answer: %s", exc)
        return _("We could not check that you are not a robot. Please try again.")
    if outcome.get("success") is not True:
        logger.info("Turnstile refused a token: %s", outcome.get("error-codes"))
        return _("The check that you are not a robot failed. Please try again.")
    solved_on, hosts = str(outcome.get("hostname") or "").lower(), site_hosts(request)
    if solved_on not in hosts and secret not in CLOUDFLARE_TEST_SECRETS:
        # A token is good for any site using the same site key: one solved on a page
        # elsewhere (a farm of solved tokens) must not pass here.
        logger.warning("Turnstile token solved on %r, not on %s.", solved_on, sorted(hosts))
        return _("The check that you are not a robot was completed on another site.")
    return True


def site_hosts(request: HttpRequest) -> set[str]:
    """Where our pages, and so the Turnstile widget, are: WEBOTP_DOMAIN (and the embedded
    sign-in's host, WEBOTP_EMBEDDED_DOMAIN), else the request's own host."""
    if webotp_settings.DOMAIN:
        hosts = {webotp_settings.DOMAIN, webotp_settings.EMBEDDED_DOMAIN}
        return {host.lower() for host in hosts if host}
    return {without_port(request.get_host())}


def refusal(request: HttpRequest, phone_number: str) -> Refusal | None:
    """Run WEBOTP_BOT_CHECK (e.g. a CAPTCHA): None to go on, or why not, for the person."""
    path = webotp_settings.BOT_CHECK
    if not path:
        return None
    check = import_string(path) if isinstance(path, str) else path
    verdict = check(request, phone_number)
    if verdict is True or verdict is None:
        return None
    message = verdict if isinstance(verdict, str) else _("Please confirm you are not a robot.")
    return Refusal("bot", message=str(message))
