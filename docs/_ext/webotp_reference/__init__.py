"""The reference pages' tables, written from the code when the site is built, so they cannot drift.

A page asks for one with a line of its own, ``<!-- reference: settings -->`` (an HTML comment,
which GitHub shows as nothing), and the ``source-read`` hook below puts the generated Markdown
in its place before MyST reads the page. The generators are plain Python over the package's
source files (``ast``, ``tokenize``, ``json``): nothing is imported from django_webotp and no
Django settings are needed, so tests/test_docs.py runs them without Sphinx.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .api import METHODS, OPENAPI, api_markdown, openapi, operations
from .checks import checks, checks_markdown, signal_docs, signal_names, signals_markdown
from .settings import settings, settings_markdown
from .templates import TEMPLATES, templates, templates_markdown
from .text import code

__all__ = [
    "GENERATORS",
    "METHODS",
    "OPENAPI",
    "TEMPLATES",
    "api_markdown",
    "checks",
    "checks_markdown",
    "code",
    "expand",
    "markers",
    "openapi",
    "operations",
    "settings",
    "settings_markdown",
    "setup",
    "signal_docs",
    "signal_names",
    "signals_markdown",
    "templates",
    "templates_markdown",
]

MARKER = re.compile(r"^<!-- reference: ([a-z-]+) -->[ \t]*$", re.M)

GENERATORS: dict[str, Callable[[], str]] = {
    "settings": settings_markdown,
    "checks": checks_markdown,
    "signals": signals_markdown,
    "api": api_markdown,
    "templates": templates_markdown,
}


def expand(source: str) -> str:
    """The page with each ``<!-- reference: NAME -->`` line replaced by its generated table."""
    return MARKER.sub(lambda match: GENERATORS[match.group(1)](), source)


def markers(source: str) -> Iterator[str]:
    return (match.group(1) for match in MARKER.finditer(source))


def on_source_read(app: Any, docname: str, source: list[str]) -> None:
    source[0] = expand(source[0])


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", on_source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
