"""E-mail to an account's owner about its sign-ins: the notices of a recovery by SMS.

With WEBOTP_PASSKEY_RECOVERY_EMAIL on, an account that has a passkey and an e-mail address hears
of a recovery by SMS where the phone cannot tell it (a SIM swapper has the phone's messages):
when its wait starts, so the owner can call it off with the passkey, and when it signs in. The
e-mail goes through Django's ``send_mail`` once the request's transaction is committed (from a
task worker with ``WEBOTP_DELIVERY = "task"``); a mail server that fails is logged, never a
refused sign-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string

from ..conf import webotp_settings
from . import tasks
from .compose import site_name, sms_domain

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["TEMPLATES", "address_of", "send_recovery_notice"]

#: Each notice's subject and body templates.
TEMPLATES = {
    "started": (
        "django_webotp/email/recovery_started_subject.txt",
        "django_webotp/email/recovery_started.txt",
    ),
    "used": (
        "django_webotp/email/recovery_used_subject.txt",
        "django_webotp/email/recovery_used.txt",
    ),
}


def address_of(user: Any) -> str:
    """The account's e-mail address (its model's EMAIL_FIELD), or "" when it has none."""
    field = user.get_email_field_name() if hasattr(user, "get_email_field_name") else "email"
    return str(getattr(user, field, "") or "").strip()


def send_recovery_notice(request: HttpRequest, user: Any, kind: str, *, wait: str = "") -> None:
    """E-mail ``user`` that a recovery by SMS started (``kind="started"``; ``wait`` says how
    long it waits, "15 minutes") or signed in (``"used"``), if WEBOTP_PASSKEY_RECOVERY_EMAIL is
    on and the account has an address."""
    to = address_of(user)
    if not webotp_settings.PASSKEY_RECOVERY_EMAIL or not to:
        return
    subject_template, body_template = TEMPLATES[kind]
    context = {"user": user, "site_name": site_name(request, sms_domain(request)), "wait": wait}
    subject = " ".join(render_to_string(subject_template, context, request).split())
    body = render_to_string(body_template, context, request)

    transaction.on_commit(lambda: tasks.queue_email(subject, body, to))
