"""Tries several backends in order: the first that takes a message sends it.

``WEBOTP_FAILOVER_BACKENDS`` lists them, each a dotted path or ``{"BACKEND": path, "OPTIONS":
{constructor arguments}}`` (two accounts of one provider, say). A backend that raises
``SmsDeliveryError`` hands the message to the next; the one that delivers stamps its own name on
``message.backend``. Every backend is built up front, so a misconfigured one is an
``ImproperlyConfigured`` at once rather than a surprise on the day the first one fails; that
only checks its settings: its provider's client (``sms/clients.py``) is built the first time
the member is tried, so ``[twilio, sns]`` pays nothing for SNS while Twilio delivers.

All members share one deadline (``deadline``, set by the sender): each is given what is left of
it, and none is tried once it has passed, so the whole send stays within WEBOTP_SEND_DEADLINE.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ...conf import webotp_settings
from ...exceptions import SmsDeliveryError
from .base import BaseSmsBackend

__all__ = ["SmsBackend", "parse_entry"]

logger = logging.getLogger("django_webotp")


def parse_entry(entry: Any) -> tuple[str, dict[str, Any]]:
    """``(dotted path, options)`` from one WEBOTP_FAILOVER_BACKENDS entry."""
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict) and isinstance(entry.get("BACKEND"), str):
        options = entry.get("OPTIONS") or {}
        if isinstance(options, dict):
            return entry["BACKEND"], options
    raise ImproperlyConfigured(
        "Each WEBOTP_FAILOVER_BACKENDS entry is a dotted path or "
        '{"BACKEND": path, "OPTIONS": {...}}.'
    )


class SmsBackend(BaseSmsBackend):
    name = "failover"
    check_id = "webotp.E014"

    def __init__(self, fail_silently: bool = False, backends: Sequence[Any] | None = None) -> None:
        super().__init__(fail_silently=fail_silently)
        entries = webotp_settings.FAILOVER_BACKENDS if backends is None else backends
        if not entries:
            raise ImproperlyConfigured(
                "The failover SMS backend needs WEBOTP_FAILOVER_BACKENDS, the backends to try."
            )
        self.backends = [self._build(entry) for entry in entries]

    def _build(self, entry: Any) -> BaseSmsBackend:
        path, options = parse_entry(entry)
        try:
            klass = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"WEBOTP_FAILOVER_BACKENDS: cannot import {path!r}."
            ) from exc
        if issubclass(klass, SmsBackend):
            raise ImproperlyConfigured(
                "WEBOTP_FAILOVER_BACKENDS cannot contain the failover backend."
            )
        # Each backend must raise, or failover could not tell that it failed.
        return klass(fail_silently=False, **options)

    def open(self) -> None:
        for backend in self.backends:
            backend.open()

    def close(self) -> None:
        for backend in self.backends:
            backend.close()

    def send_messages(self, messages: Sequence[Any]) -> int:
        return self._send_each(messages, self._send)

    def _send(self, message: Any) -> None:
        errors: list[SmsDeliveryError] = []
        for backend in self.backends:
            if self.remaining() == 0:  # the send's deadline has passed: no member may start
                errors.append(
                    SmsDeliveryError(
                        "not tried: the send deadline had passed",
                        backend=backend.name,
                        reason="timeout",
                    )
                )
                break
            # Each member waits no longer than what is left of the one deadline for them all.
            backend.deadline = self.deadline
            try:
                if backend.send_messages([message]):
                    return
                errors.append(SmsDeliveryError("sent nothing", backend=backend.name))
            except SmsDeliveryError as exc:
                errors.append(exc)
                logger.warning("SMS backend %s failed over (%s).", backend.name, exc.reason)
        reasons = {exc.reason for exc in errors}
        raise SmsDeliveryError(
            "Every SMS backend failed: "
            + "; ".join(f"{exc.backend or '?'}: {exc}" for exc in errors),
            backend=self.name,
            reason=reasons.pop() if len(reasons) == 1 else "error",
        )
