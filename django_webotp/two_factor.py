"""Two-step verification's public names, where the documentation and earlier releases import them.

The state lives in ``django_webotp.flows.two_factor``, the view markers in
``django_webotp.decorators``; both keep working from here.
"""

from .decorators import (
    TwoFactorRequiredMixin,
    code_page_redirect,
    hide_user,
    refusal,
    requires_two_factor,
    two_factor_exempt,
    two_factor_required,
)
from .flows.two_factor import (
    SESSION_KEY,
    VERIFIED_SESSION_KEY,
    WITHOUT_PHONE_CHOICES,
    State,
    get_state,
    is_verified,
    mark_verified,
    real_user,
    remember_days,
    remember_device,
    user_phone,
)

__all__ = [
    "SESSION_KEY",
    "VERIFIED_SESSION_KEY",
    "WITHOUT_PHONE_CHOICES",
    "State",
    "TwoFactorRequiredMixin",
    "code_page_redirect",
    "get_state",
    "hide_user",
    "is_verified",
    "mark_verified",
    "real_user",
    "refusal",
    "remember_days",
    "remember_device",
    "requires_two_factor",
    "two_factor_exempt",
    "two_factor_required",
    "user_phone",
]
