"""The HTML front end: one module per purpose, each a form, a call into ``flows``, a response.

The URLconf (``django_webotp.urls``) names these; they are importable from here as before.
"""

from .links import LinkConfirmView, LinkView
from .login import LoginView, ResendView, StatusView, VerifyView
from .passkeys import PasskeyOfferView, PasskeysView
from .phone import PhoneChangeView, PhoneCurrentView, PhoneVerifyView
from .reauth import ReauthView
from .two_factor import TwoFactorCancelView, TwoFactorView

__all__ = [
    "LinkConfirmView",
    "LinkView",
    "LoginView",
    "PasskeyOfferView",
    "PasskeysView",
    "PhoneChangeView",
    "PhoneCurrentView",
    "PhoneVerifyView",
    "ReauthView",
    "ResendView",
    "StatusView",
    "TwoFactorCancelView",
    "TwoFactorView",
    "VerifyView",
]
