"""Prints each SMS to the console (stdout by default): the development default."""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Sequence
from typing import Any

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    name = "console"

    def __init__(self, *args: Any, stream=None, **kwargs: Any) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()
        super().__init__(*args, **kwargs)

    def format(self, message: Any) -> str:
        rule = "-" * 79
        return f"SMS to {message.to}\n{rule}\n{message.body}\n{rule}\n"

    def send_messages(self, messages: Sequence[Any]) -> int:
        with self._lock:
            for message in messages:
                self._stamp(message, f"console-{uuid.uuid4()}")
                self.stream.write(self.format(message))
            self.stream.flush()
        return len(messages)
