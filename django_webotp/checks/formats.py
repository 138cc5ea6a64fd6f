"""Checks of what the SMS's origin-bound last line is made of: the site's host, an iframe's
host and an Android app hash."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error

from ..conf import webotp_settings
from ..sms_format import OriginBoundFormatError, build_origin_bound_line, check_android_app_hash
from .messages import E003, E007, E060, E061, E062

__all__ = ["domain_errors", "format_errors"]


def domain_errors() -> list:
    domain = webotp_settings.DOMAIN
    if domain:
        try:
            build_origin_bound_line(domain, "0000")
        except OriginBoundFormatError as exc:
            return [
                Error(
                    E003.format(domain=domain, error=exc),
                    hint="Write the host only: example.com, not https://example.com:443/.",
                    id="webotp.E003",
                )
            ]
    elif not settings.DEBUG:
        return [
            Error(
                E007,
                hint="Set it to the host people sign in on; Web OTP needs an exact match.",
                id="webotp.E007",
            )
        ]
    return []


def format_errors() -> list[CheckMessage]:
    """The iframe host and the Android app hash on the SMS's last line."""
    return [*_embedded_domain_errors(), *_app_hash_errors()]


def _embedded_domain_errors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    embedded = webotp_settings.EMBEDDED_DOMAIN
    if not embedded:
        return errors
    try:
        build_origin_bound_line("example.com", "0000", embedded)
    except OriginBoundFormatError as exc:
        errors.append(
            Error(
                E060.format(domain=embedded, error=exc),
                hint="Write the iframe's host only: login.example.com, not a URL.",
                id="webotp.E060",
            )
        )
    if not webotp_settings.DOMAIN:
        errors.append(
            Error(
                E061,
                hint="Without it the request's host, the iframe's own, would be taken as the "
                "top-level host. Set WEBOTP_DOMAIN to the host in the address bar.",
                id="webotp.E061",
            )
        )
    return errors


def _app_hash_errors() -> list[CheckMessage]:
    app_hash = webotp_settings.ANDROID_APP_HASH
    if app_hash is None:
        return []
    try:
        check_android_app_hash(app_hash)
    except OriginBoundFormatError as exc:
        return [
            Error(
                E062.format(value=app_hash),
                hint=f"{exc}. Compute it with Google's AppSignatureHelper or keytool.",
                id="webotp.E062",
            )
        ]
    return []
