"""Keeps each SMS in ``django_webotp.sms.outbox``, for tests (like Django's locmem mail backend)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from typing import Any

from ... import sms
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    name = "locmem"

    def send_messages(self, messages: Sequence[Any]) -> int:
        for message in messages:
            self._stamp(message, f"locmem-{uuid.uuid4()}")
            sms.outbox.append(copy.copy(message))
        return len(messages)
