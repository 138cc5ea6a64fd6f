"""Catching what signals send, for the tests that assert who was told what."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.dispatch import Signal


@contextmanager
def captured(*watched: Signal) -> Iterator[list[tuple[Signal, dict[str, Any]]]]:
    """What the ``watched`` signals send meanwhile, as (signal, keyword arguments) pairs."""
    seen: list[tuple[Signal, dict[str, Any]]] = []

    def receiver(signal: Signal, **kwargs: Any) -> None:
        seen.append((signal, kwargs))

    for signal in watched:
        signal.connect(receiver, weak=False)
    try:
        yield seen
    finally:
        for signal in watched:
            signal.disconnect(receiver)
