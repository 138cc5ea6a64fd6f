"""Accepts every SMS and sends nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    name = "dummy"

    def send_messages(self, messages: Sequence[Any]) -> int:
        for message in messages:
            self._stamp(message)
        return len(messages)
