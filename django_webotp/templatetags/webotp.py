"""``{% webotp_bot_check %}``: the bot check's widget on a form that sends a code.

Rendered where a code goes to a number that has not proved itself to the site yet: the sign-in
form, and the forms that text a new number (a phone change, a first number). It renders
``django_webotp/_bot_check.html``: Cloudflare Turnstile's widget when ``WEBOTP_BOT_CHECK`` is on
and ``WEBOTP_TURNSTILE_SITE_KEY`` is set, nothing otherwise; a site with another check (reCAPTCHA,
hCaptcha) overrides that template.
"""

from __future__ import annotations

from django import template

from ..conf import webotp_settings

register = template.Library()


@register.inclusion_tag("django_webotp/_bot_check.html")
def webotp_bot_check() -> dict[str, object]:
    return {
        "bot_check": bool(webotp_settings.BOT_CHECK),
        "turnstile_site_key": webotp_settings.TURNSTILE_SITE_KEY or "",
    }
