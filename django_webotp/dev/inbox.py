"""The SMS that the development backends sent: files of ``filebased``, and ``sms.outbox``.

Each message comes with what a browser would read from it (the origin-bound "@host #code" line,
parsed by the same function as everywhere else) and the warnings a developer should see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.http import HttpRequest
from django.utils.translation import gettext as _

from .. import sms
from ..conf import webotp_settings
from ..sms.backends.filebased import read_message_file
from ..sms_format import OriginBoundCode, parse_origin_bound_message

__all__ = ["InboxMessage", "messages", "page_host", "page_port", "problems"]

# The newest files read from WEBOTP_SMS_FILE_PATH; older ones stay on disk, unread.
MAX_FILES = 200


@dataclass(frozen=True)
class InboxMessage:
    to: str
    sent_at: datetime | None
    body: str
    source: str  # "file" (filebased backend) or "memory" (locmem backend)
    message_id: str
    origin_bound: OriginBoundCode | None = field(default=None)
    error: str = ""  # why a file could not be read

    @property
    def last_line(self) -> str:
        return self.body.replace("\r\n", "\n").replace("\r", "\n").rpartition("\n")[2]


def _from_file(path: Path) -> InboxMessage:
    try:
        data = read_message_file(path)
    except (OSError, UnicodeError, ValueError) as exc:
        return InboxMessage("", None, "", "file", path.name, error=f"{path.name}: {exc}")
    return InboxMessage(
        to=data["to"],
        sent_at=data["date"],
        body=data["body"],
        source="file",
        message_id=data["message_id"] or path.name,
        origin_bound=parse_origin_bound_message(data["body"]),
    )


def file_messages() -> list[InboxMessage]:
    """Messages the filebased backend wrote under WEBOTP_SMS_FILE_PATH (the newest MAX_FILES)."""
    directory = webotp_settings.SMS_FILE_PATH
    if not directory or not Path(directory).is_dir():
        return []
    # The backend names files after the time they were sent, so names sort by age.
    paths = sorted(Path(directory).glob("*.sms"), reverse=True)[:MAX_FILES]
    return [_from_file(path) for path in paths]


def memory_messages() -> list[InboxMessage]:
    return [
        InboxMessage(
            to=message.to,
            sent_at=message.created_at,
            body=message.body,
            source="memory",
            message_id=message.provider_message_id or f"memory-{index}",
            origin_bound=parse_origin_bound_message(message.body),
        )
        for index, message in enumerate(list(sms.outbox))
    ]


def messages() -> list[InboxMessage]:
    """Every message of both sources, newest first (unreadable files last)."""
    found = file_messages() + memory_messages()
    found.sort(key=lambda m: m.sent_at.timestamp() if m.sent_at else float("-inf"), reverse=True)
    return found


def page_host(request: HttpRequest) -> str:
    """The host a browser compares the "@host" with: the request's host, without the port."""
    host = request.get_host().lower()
    if host.startswith("["):  # an IPv6 literal: "[::1]:8000"
        return host[: host.index("]") + 1]
    return host.rsplit(":", 1)[0]


def page_port(request: HttpRequest) -> str:
    """The port in the address the browser shows ("" for none)."""
    host = request.get_host()
    tail = host[host.index("]") + 1 :] if host.startswith("[") else host
    return tail.rpartition(":")[2] if ":" in tail else ""


def problems(message: InboxMessage, host: str) -> list[str]:
    """Why a browser on ``host`` would not offer this message's code (empty if it would)."""
    bound = message.origin_bound
    if message.error:
        return []
    if bound is None:
        return [
            _(
                "Its last line is not “@host #code”, so no browser will offer this code "
                "(Chrome and Safari read only the last line)."
            )
        ]
    if bound.host != host:
        return [
            _("It is bound to %(bound)s, but this page is on %(host)s: Chrome will not offer it.")
            % {"bound": bound.host, "host": host}
        ]
    if bound.embedded_host:
        return [
            _("It is meant for an iframe on %(embedded)s; only that frame gets the code.")
            % {"embedded": bound.embedded_host}
        ]
    return []
