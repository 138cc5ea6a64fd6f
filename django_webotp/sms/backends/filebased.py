"""Writes each SMS to its own file under ``WEBOTP_SMS_FILE_PATH``.

A file holds a header block (``To:`` in E.164, ``Date:``, ``Message-Id:``), a blank line, then
the exact body, byte for byte, so tools (and the dev inbox) can read what a phone would get.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ...conf import webotp_settings
from .base import BaseSmsBackend

__all__ = ["SmsBackend", "read_message_file"]


class SmsBackend(BaseSmsBackend):
    name = "filebased"

    def __init__(self, *args: Any, file_path: str | os.PathLike | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        path = file_path or webotp_settings.SMS_FILE_PATH
        if not path:
            raise ImproperlyConfigured(
                "The filebased SMS backend needs WEBOTP_SMS_FILE_PATH (a directory)."
            )
        self.file_path = Path(path)
        if self.file_path.exists() and not self.file_path.is_dir():
            raise ImproperlyConfigured(
                f"WEBOTP_SMS_FILE_PATH {str(self.file_path)!r} exists and is not a directory."
            )
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"Could not create WEBOTP_SMS_FILE_PATH {str(self.file_path)!r}: {exc}"
            ) from exc

    def send_messages(self, messages: Sequence[Any]) -> int:
        for message in messages:
            message_id = uuid.uuid4().hex
            self._stamp(message, f"file-{message_id}")
            sent = timezone.now()
            name = f"{sent:%Y%m%d-%H%M%S-%f}-{message_id}.sms"
            header = (
                f"To: {message.to}\nDate: {sent.isoformat()}\n"
                f"Message-Id: {message.provider_message_id}\n\n"
            )
            (self.file_path / name).write_bytes((header + message.body).encode("utf-8"))
        return len(messages)


def read_message_file(path: str | os.PathLike) -> dict[str, Any]:
    """Read a file this backend wrote: ``{"to", "date", "message_id", "body"}``."""
    text = Path(path).read_bytes().decode("utf-8")
    head, _, body = text.partition("\n\n")
    fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    return {
        "to": fields.get("To", ""),
        "date": datetime.fromisoformat(fields["Date"]) if "Date" in fields else None,
        "message_id": fields.get("Message-Id", ""),
        "body": body,
    }
