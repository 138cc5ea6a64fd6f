"""``{% webotp_bot_check %}``, ``{{ number|webotp_phone }}`` and ``{% webotp_site_name %}``,
for the pages around a code.

``webotp_phone`` shows a phone number as people read it (``phone.display_number``): "07400
123456" on a site whose region dials it so, "+1 202-555-0123" elsewhere; anything that is not
a valid E.164 number (a username, say) is shown as it is. ``webotp_site_name`` is the name in
the pages' brand slot.

``webotp_bot_check`` renders the bot check's widget on a form that sends a code.

The widget is rendered where a code goes to a number that has not proved itself to the site
yet: the sign-in form, and the forms that text a new number (a phone change, a first number),
from ``django_webotp/_bot_check.html``: Cloudflare Turnstile's widget when
``WEBOTP_BOT_CHECK`` is on and ``WEBOTP_TURNSTILE_SITE_KEY`` is set, nothing otherwise; a site
with another check (reCAPTCHA, hCaptcha) overrides that template.
"""

from __future__ import annotations

from django import template
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from phonenumber_field.phonenumber import PhoneNumber

from ..conf import webotp_settings
from ..delivery.compose import site_name, sms_domain
from ..phone import display_number

register = template.Library()


@register.inclusion_tag("django_webotp/_bot_check.html")
def webotp_bot_check() -> dict[str, object]:
    return {
        "bot_check": bool(webotp_settings.BOT_CHECK),
        "turnstile_site_key": webotp_settings.TURNSTILE_SITE_KEY or "",
    }


@register.filter
def webotp_phone(number: object) -> str:
    if isinstance(number, PhoneNumber) or number is None:
        return display_number(number)
    return display_number(str(number))


@register.simple_tag(takes_context=True)
def webotp_site_name(context: template.Context) -> str:
    """The site's name as its SMS give it (WEBOTP_SITE_NAME, the Site, or the host), for the
    pages' brand slot; empty rather than an error on a host no SMS could name."""
    request = getattr(context, "request", None)
    try:
        domain = sms_domain(request)
    except (DisallowedHost, ImproperlyConfigured):
        domain = ""
    try:
        return site_name(request, domain)
    except DisallowedHost:  # the Site is looked up by a host that is not allowed
        return domain
