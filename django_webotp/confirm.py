"""Confirm an action by SMS code: ``from django_webotp import confirm``.

``confirm.Action``, ``confirm.request``, ``confirm.verify`` and ``confirm.resend`` are the flow
(``django_webotp.flows.confirm``, which documents them); ``@confirm.required`` is its page
(``django_webotp.views.confirm``).
"""

from .flows.confirm import (
    SESSION_KEY,
    Action,
    Verification,
    action_digest,
    pending,
    plain_description,
    request,
    resend,
    verify,
)
from .views.confirm import FIELD_PREFIX, required

__all__ = [
    "FIELD_PREFIX",
    "SESSION_KEY",
    "Action",
    "Verification",
    "action_digest",
    "pending",
    "plain_description",
    "request",
    "required",
    "resend",
    "verify",
]
