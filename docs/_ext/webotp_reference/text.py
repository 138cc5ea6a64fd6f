"""What every generator shares: where the package's files are, and Markdown table cells."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "django_webotp"


def cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, no bare pipe."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks inside it."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{cell(text)}{pad}{fence}"


def comments_by_line(source: str) -> tuple[dict[int, str], set[int]]:
    """Each line's comment text, and the lines that hold nothing but a comment."""
    comments: dict[int, str] = {}
    alone: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            line = token.start[0]
            comments[line] = token.string.lstrip("#").strip()
            if not token.line[: token.start[1]].strip():
                alone.add(line)
    return comments, alone


def sentence(text: str) -> str:
    """A comment as a sentence: a capital first letter and a full stop."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", ":", ")", "!", "?")) else text + "."
