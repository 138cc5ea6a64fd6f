"""One-tap sign-in links, and the same link as a QR code.

A link is ``https://host/<prefix>/c/<token>/#<code>``:

* The token names one sign-in challenge: its 16-byte id and an 8-byte HMAC of it under
  ``SECRET_KEY``, in 32 URL-safe base64 characters. It is a handle, not a credential: it lets a
  browser that holds no session for the challenge (a phone, when a desktop asked) find it, and a
  forged or mangled token is refused before any database query. It expires, and is used up, with
  its challenge.
* The code is the credential, and it rides in the fragment: browsers never send a fragment to the
  server, so the code reaches no access log, no proxy, no ``Referer`` and no link scanner.
  ``webotp.js`` moves it into the form, and the person presses the button that POSTs it; a GET
  alone never signs anyone in.

The QR code on the code page carries the link *without* the code. Anyone who sees the screen
can open the page, but the code still has to come from the SMS.

Links exist for sign-in challenges only: the other purposes are bound to the session that asked
(a password already typed, an action being confirmed), which another browser does not have.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ..conf import webotp_settings
from ..models import Challenge, Status
from ..phone import masked_number
from ..purposes import spec
from ..sms_format.hosts import without_port

__all__ = [
    "challenge_for_token",
    "enabled",
    "make_token",
    "masked_phone",
    "page_url",
    "qr_available",
    "qr_context",
    "qr_svg",
    "sms_link",
]

logger = logging.getLogger("django_webotp")

_SALT = "django_webotp.links"
_ID_BYTES, _MAC_BYTES = 16, 8
# 24 bytes are exactly 32 base64 characters: no padding, and no spare bits to play with.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def enabled() -> bool:
    """Whether the link page answers: a link in the SMS, a QR code, or both are switched on."""
    return bool(webotp_settings.LINK or webotp_settings.LINK_QR)


def _mac(challenge_id: bytes) -> bytes:
    return salted_hmac(_SALT, challenge_id, algorithm="sha256").digest()[:_MAC_BYTES]


def make_token(challenge: Challenge) -> str:
    """The challenge's link token (the same every time it is asked)."""
    challenge_id = uuid.UUID(str(challenge.pk)).bytes
    return base64.urlsafe_b64encode(challenge_id + _mac(challenge_id)).decode("ascii")


def challenge_for_token(token: object) -> Challenge | None:
    """The sign-in challenge a token names, or None (logged) for anything else. Never raises."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        logger.info("Refused a sign-in link: the token is malformed.")
        return None
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError):  # pragma: no cover (the pattern already excludes it)
        return None
    challenge_id, mac = raw[:_ID_BYTES], raw[_ID_BYTES:]
    if not hmac.compare_digest(mac, _mac(challenge_id)):
        logger.info("Refused a sign-in link: the token's signature does not match.")
        return None
    try:
        challenge = Challenge.objects.get(pk=uuid.UUID(bytes=challenge_id))
    except Challenge.DoesNotExist:
        logger.info("Refused a sign-in link: its challenge no longer exists.")
        return None
    if not spec(challenge.purpose).links:
        logger.info("Refused a sign-in link: its challenge is not a sign-in.")
        return None
    return challenge


#: Why no link can be made: its host would have to come from the request (check E065).
NO_LINK_HOST = (
    "WEBOTP_LINK is on but neither WEBOTP_LINK_BASE_URL nor WEBOTP_DOMAIN is set: a link in an "
    "SMS never takes its host from the request's Host header."
)


def _base_url(request: HttpRequest | None, domain: str | None) -> str:
    """Scheme and host of a link, from configuration, never from the request's Host header.

    WEBOTP_LINK_BASE_URL, else ``https://`` and the SMS's host (WEBOTP_DOMAIN, or ``domain``,
    what a task worker was given). In DEBUG a page served at that same host keeps its scheme
    and port (the dev server's ``http://localhost:8000``), and with neither setting (allowed in
    DEBUG only: check E065) the request's host is used.
    """
    configured = webotp_settings.LINK_BASE_URL
    if configured:
        return str(configured).rstrip("/")
    # Outside DEBUG only configuration counts: ``domain`` may itself come from a Host header.
    host = webotp_settings.DOMAIN or (domain if settings.DEBUG else None)
    if request is not None and settings.DEBUG:
        served = without_port(request.get_host())
        if not host or served == host.lower():
            return f"{request.scheme}://{request.get_host()}"
    if not host:
        raise ImproperlyConfigured(NO_LINK_HOST)
    return f"https://{host}"


def page_url(challenge: Challenge, request: HttpRequest | None, domain: str | None = None) -> str:
    """The absolute URL of the challenge's link page, without the code (what the QR code holds).

    ``domain`` is the SMS's host, used when there is neither a request nor WEBOTP_LINK_BASE_URL
    (a task worker).
    """
    path = reverse("webotp:link", kwargs={"token": make_token(challenge)})
    return _base_url(request, domain) + path


def sms_link(
    challenge: Challenge, request: HttpRequest | None, code: str, domain: str | None = None
) -> str | None:
    """The link to put in the challenge's SMS, code in the fragment; None when there is none."""
    if not webotp_settings.LINK or not spec(challenge.purpose).links:
        return None
    return f"{page_url(challenge, request, domain)}#{code}"


def masked_phone(challenge: Challenge) -> str:
    """The challenge's number with all but its country code and last three digits hidden."""
    return masked_number(challenge.phone_number)


def qr_available() -> bool:
    """Whether segno, which draws the QR code, is installed (pip install django-webotp[qr])."""
    try:
        import segno  # noqa: F401
    except ImportError:
        return False
    return True


def qr_svg(url: str, title: str) -> str | None:
    """``url`` as an inline SVG QR code (no script, no style attribute), or None without segno.

    A full QR code, never a Micro QR (which phone cameras do not read), with medium error
    correction and the standard four-module quiet zone; the SVG has a viewBox and no size, so CSS
    sizes it. ``title`` becomes its accessible name (segno escapes it).
    """
    try:
        import segno
    except ImportError:
        return None
    code = segno.make_qr(url, error="m")
    return code.svg_inline(
        omitsize=True, svgclass="webotp-qr-code", lineclass=None, title=title, border=4
    )


_warned_no_qr = False


def qr_context(request: HttpRequest, challenge: Challenge) -> dict[str, str] | None:
    """What the code page needs to show the QR code, or None when it shows none.

    None unless WEBOTP_LINK_QR is on, the challenge is a sign-in and still pending, and segno is
    installed; a missing segno is logged once per process (system check webotp.W060 says it too).
    """
    if not webotp_settings.LINK_QR or not spec(challenge.purpose).links:
        return None
    if challenge.status is not Status.PENDING:
        return None
    url = page_url(challenge, request)
    svg = qr_svg(url, _("QR code of the link to finish signing in on another device"))
    if svg is None:
        global _warned_no_qr
        if not _warned_no_qr:
            _warned_no_qr = True
            logger.warning(
                "WEBOTP_LINK_QR is on but segno is not installed, so the code page shows no QR "
                "code: pip install django-webotp[qr]"
            )
        return None
    return {"svg": svg, "url": url}
