"""Provider clients shared by every send in the process, one per configuration.

Building a provider's client is the dear part of a send (a boto3 client costs about 0.1 s), and
a client kept between sends keeps its HTTP connections open too. So a backend asks ``shared()``
for its client: the first send with a given configuration builds it, under a lock so two threads
never build it twice, and every later one reuses it. The key is made of the settings that shape
the client (credentials, host, timeout), so a changed setting gets a client of its own; a
``setting_changed`` signal (``override_settings`` in tests) forgets them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.signals import setting_changed

__all__ = ["forget", "shared"]

T = TypeVar("T")

_lock = threading.Lock()
_clients: dict[Hashable, Any] = {}


def shared(key: Hashable, build: Callable[[], T]) -> T:
    """The process's client for ``key``, built by ``build()`` the first time it is asked for."""
    try:
        return _clients[key]
    except KeyError:
        pass
    with _lock:
        # Checked again under the lock: another thread may have built it while this one waited.
        if key not in _clients:
            _clients[key] = build()
        return _clients[key]


def forget() -> None:
    """Drop every client: the next send of each configuration builds a new one."""
    with _lock:
        _clients.clear()


def _forget_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("WEBOTP_"):
        forget()


setting_changed.connect(_forget_on_change, dispatch_uid="django_webotp.sms.clients")
