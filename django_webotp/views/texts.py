"""The fixed sentences of the sign-in pages, translated once per language and process.

The phone page and the code page are the two pages every sign-in renders. Their wording does
not change between requests, only with the language, so it is looked up in the catalogues once
per language here instead of by a ``{% translate %}`` tag on every request. Each sentence is
marked safe, as ``{% translate %}`` marks it: translators' markup is trusted the same way.
The cache is cleared when a test changes the settings that translations depend on.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from ..wording import resend_countdown_words

__all__ = ["CODE_PAGE", "PHONE_PAGE", "countdown_words", "page_texts"]

#: The phone page (``login.html``): context name -> msgid.
PHONE_PAGE: Mapping[str, str] = {
    "heading": gettext_noop("Sign in with your phone"),
    "intro": gettext_noop("We will text you a code. No password needed."),
    "help": gettext_noop("Include the country code, for example +44 for the UK."),
    "submit": gettext_noop("Send me a code"),
}

#: The sign-in code page (``verify.html``).
CODE_PAGE: Mapping[str, str] = {
    "heading": gettext_noop("Enter your code"),
    "sent_to": gettext_noop("We sent a code by SMS to %(phone)s."),
    "check_again": gettext_noop("Check again"),
    "code_label": gettext_noop("Code from the SMS"),
    "submit": gettext_noop("Sign in"),
    "no_sms": gettext_noop("No SMS?"),
    "send_new": gettext_noop("Send a new code"),
    "other_number": gettext_noop("Use a different number"),
}

_translated: dict[tuple[int, str | None], dict[str, SafeString]] = {}


def page_texts(page: Mapping[str, str]) -> dict[str, SafeString]:
    """``page``'s sentences in the active language (a fresh dict: callers may add to it)."""
    key = (id(page), get_language())
    texts = _translated.get(key)
    if texts is None:
        # Safe as {% translate %} makes its output: the catalogues are the site's own text.
        texts = {name: mark_safe(gettext(msgid)) for name, msgid in page.items()}  # noqa: S308
        _translated[key] = texts
    return dict(texts)


_countdown: dict[str | None, dict[str, str]] = {}


def countdown_words() -> dict[str, str]:
    """``wording.resend_countdown_words()`` in the active language, looked up once per language:
    every code page during a cooldown carries them."""
    key = get_language()
    words = _countdown.get(key)
    if words is None:
        words = _countdown[key] = resend_countdown_words()
    return words


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_I18N"}:
        _translated.clear()
        _countdown.clear()
