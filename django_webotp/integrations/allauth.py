"""django-allauth 65's phone codes as origin-bound SMS: ``WebOTPAccountAdapterMixin``.

Mix it into the site's account adapter, before allauth's ``DefaultAccountAdapter``::

    class AccountAdapter(WebOTPAccountAdapterMixin, DefaultAccountAdapter):
        ...  # get_phone, set_phone, set_phone_verified, get_user_by_phone: the site's own

and allauth's login by code and phone verification send their codes through
WEBOTP_SMS_BACKEND, as "...\\n\\n@host #code" that the Web OTP API and Safari fill in. Before a
code goes out, the app's destination rules (WEBOTP_ALLOWED_REGIONS, WEBOTP_BLOCKED_REGIONS,
WEBOTP_ALLOWED_NUMBER_TYPES) answer in allauth's phone field as a form error, and a spent SMS
budget (WEBOTP_SMS_BUDGETS) as allauth's own 429 page (or its headless 429). The code pages get
webotp.js from ``{% include "django_webotp/allauth/code_head.html" %}`` in their
``extra_head`` block (docs/howto/allauth.md).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..abuse.refusal import Refusal
from ..forms import clean_destination
from ..models import Purpose
from .sending import missing, send_code

try:
    from allauth.core import context
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.core.ratelimit import respond_429
except ImportError as exc:  # pragma: no cover - the [allauth] extra is missing
    raise missing("django-allauth", "allauth") from exc

__all__ = ["WebOTPAccountAdapterMixin"]


class WebOTPAccountAdapterMixin:
    """Sends allauth's phone codes the app's way; put it before ``DefaultAccountAdapter``."""

    #: The SMS text (the app's template of that purpose) and budget key of each kind of code.
    webotp_login_purpose: str = Purpose.LOGIN
    webotp_verification_purpose: str = Purpose.PHONE_CHANGE

    request: HttpRequest | None

    def clean_phone(self, phone: str) -> str:
        """allauth's phone field: a number codes may go to, in E.164, or the app's form error."""
        return clean_destination(super().clean_phone(phone))  # type: ignore[misc]

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        """A login code (``reauthentication`` among the keywords) or a phone verification code."""
        purpose = self.webotp_login_purpose
        if "reauthentication" not in kwargs:  # only the login-by-code flow passes it
            purpose = self.webotp_verification_purpose
        refused = send_code(self._webotp_request(), phone, code, purpose)
        if refused is not None and refused.temporary:
            raise ImmediateHttpResponse(_too_many(self._webotp_request(), refused))

    def _webotp_request(self) -> HttpRequest | None:
        return getattr(self, "request", None) or getattr(context, "request", None)


def _too_many(request: HttpRequest | None, refused: Refusal) -> Any:
    """allauth's own 429 (its template, or headless's JSON), with when to ask again."""
    response = respond_429(request)  # type: ignore[arg-type]
    response["Retry-After"] = str(refused.retry_after)
    return response
