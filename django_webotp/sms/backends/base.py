"""The contract every SMS backend follows, after ``django.core.mail.backends.base``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from asgiref.sync import sync_to_async

from ...exceptions import SmsDeliveryError

__all__ = ["BaseSmsBackend"]


class BaseSmsBackend:
    """Subclasses implement ``send_messages()``; ``open()``/``close()`` are optional.

    ``send_messages`` returns how many messages were sent and sets ``provider_message_id`` and
    ``backend`` on each. Operational failures raise ``SmsDeliveryError`` unless
    ``fail_silently`` is true; configuration errors raise ``ImproperlyConfigured`` always.
    """

    #: Short name recorded on challenges and in errors ("console", "twilio"...).
    name = "base"
    #: When the send must be over (``time.monotonic()``), set by whoever sends; None: no bound.
    #: Failover tries no member once it has passed; provider backends wait no longer than it.
    deadline: float | None = None

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        self.fail_silently = fail_silently

    def open(self) -> bool | None:
        """Open a network connection if the backend needs one; called by ``with``."""
        return None

    def close(self) -> None:
        """Close the connection opened by ``open()``."""

    def __enter__(self):
        try:
            self.open()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        self.close()

    def remaining(self) -> float | None:
        """Seconds left before ``deadline`` (0 once it has passed); None without a deadline."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.monotonic(), 0.0)

    def send_messages(self, messages: Sequence[Any]) -> int:
        raise NotImplementedError("subclasses of BaseSmsBackend must override send_messages()")

    async def asend_messages(self, messages: Sequence[Any]) -> int:
        """``send_messages()`` for async code, without blocking its event loop.

        The provider SDKs are synchronous, so the send runs in a worker thread of its own —
        not in the one thread ASGI servers keep for Django's sync code, which a slow provider
        would hold up for every other request. A backend with a real async client overrides
        this.
        """
        return await sync_to_async(self.send_messages, thread_sensitive=False)(messages)

    def _send_each(self, messages: Sequence[Any], send: Callable[[Any], None]) -> int:
        """Call ``send(message)`` for each message; count the sent ones.

        A ``SmsDeliveryError`` stops the batch unless ``fail_silently`` is set, in which case
        that message is skipped. Other errors (misconfiguration) always propagate.
        """
        sent = 0
        for message in messages:
            try:
                send(message)
            except SmsDeliveryError:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def _stamp(self, message: Any, provider_message_id: str = "") -> None:
        message.backend = self.name
        message.provider_message_id = provider_message_id
