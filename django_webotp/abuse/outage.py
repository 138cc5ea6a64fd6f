"""Logging a cache outage once per interval, not once per request.

While the rate-limit cache (Redis) is down every request that needs a count fails the same way;
a traceback each time buried the logs (2.6 MB in 20 seconds). The first failure of an outage is
logged with its traceback, then at most one line per ``INTERVAL`` seconds saying how many more
failures there were. A failure after a quiet spell of two intervals starts a new outage.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

__all__ = ["INTERVAL", "report", "reset"]

logger = logging.getLogger("django_webotp")

#: Seconds between two log lines about the same kind of failure.
INTERVAL = 60


@dataclass
class _Outage:
    last_logged: float
    last_failed: float
    suppressed: int = 0


_lock = threading.Lock()
_outages: dict[str, _Outage] = {}


def report(kind: str, message: str, *args: object) -> None:
    """Log a failure of ``kind`` (call from an ``except`` block), unless one was just logged."""
    now = time.monotonic()
    with _lock:
        outage = _outages.get(kind)
        if outage is None or now - outage.last_failed > 2 * INTERVAL:
            _outages[kind] = _Outage(last_logged=now, last_failed=now)
            first = True
        elif now - outage.last_logged < INTERVAL:
            outage.suppressed += 1
            outage.last_failed = now
            return
        else:
            first = False
            suppressed, outage.suppressed = outage.suppressed, 0
            outage.last_logged = outage.last_failed = now
    if first:
        logger.error(message, *args, exc_info=True)
    else:
        logger.warning(
            message + " (still failing; %s more failures not logged in the last %s s)",
            *args,
            suppressed,
            INTERVAL,
        )


def reset() -> None:
    """Forget every outage (for tests)."""
    with _lock:
        _outages.clear()
