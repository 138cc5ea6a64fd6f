"""The old home of the Turnstile bot check, kept so that existing settings keep working.

``WEBOTP_BOT_CHECK = "django_webotp.friction.turnstile"`` still works; new settings name
``django_webotp.abuse.bots.turnstile``.
"""

from .abuse.bots import turnstile

__all__ = ["turnstile"]
