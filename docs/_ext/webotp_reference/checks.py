"""System checks (django_webotp/checks/messages.py) and signals (django_webotp/signals.py)."""

from __future__ import annotations

import ast
import re
import runpy
from dataclasses import dataclass
from pathlib import Path

from .text import PACKAGE, cell, code, comments_by_line

MESSAGES = PACKAGE / "checks" / "messages.py"
SIGNALS = PACKAGE / "signals.py"
CHECK_NAME = re.compile(r"^[EW]\d{3}$")


@dataclass(frozen=True)
class Check:
    ids: str  # "webotp.E001", or "webotp.E010 to webotp.E013"
    name: str  # the constant
    message: str
    hint: str
    note: str  # the comment above the constant


def checks(path: Path = MESSAGES) -> list[Check]:
    """Every ``E…``/``W…`` constant, its message, its ``…_HINT`` and the comment above it."""
    source = path.read_text()
    values = runpy.run_path(str(path))  # plain strings and f-strings of its own constants
    comments, alone = comments_by_line(source)
    found = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if not CHECK_NAME.match(name):
            continue
        above: list[str] = []
        line = node.lineno - 1
        while line in alone:
            above.insert(0, comments[line])
            line -= 1
        note = " ".join(above)
        ids = f"webotp.{name}"
        span = re.match(rf"^{name}-(E\d{{3}})\b", note)
        if span:
            ids = f"webotp.{name} to webotp.{span.group(1)}"
        found.append(Check(ids, name, values[name], values.get(name + "_HINT", ""), note))
    return sorted(found, key=lambda check: (check.name[0] != "E", check.name))


def checks_markdown() -> str:
    lines = ["| Id | Message | Hint |", "| --- | --- | --- |"]
    for check in checks():
        message = code(check.message)
        if check.note:
            message += f" ({cell(check.note)})"
        lines.append(
            f"| {code(check.ids)} | {message} | {code(check.hint) if check.hint else ''} |"
        )
    return "\n".join(lines) + "\n"


# Signals: django_webotp/signals.py's Signal() objects, each with the ``#:`` comment above it
# (what it means, then "Arguments: ..." beyond the usual ones); tests/test_docs.py fails on a
# signal that has none.


@dataclass(frozen=True)
class SignalDoc:
    name: str
    meaning: str
    arguments: str


def signal_docs(path: Path = SIGNALS) -> list[SignalDoc]:
    """The module-level names bound to ``Signal()``, in the module's order, with their
    ``#:`` comments split into the meaning and the arguments."""
    source = path.read_text()
    comments, alone = comments_by_line(source)
    found = []
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "Signal"
        ):
            continue
        above: list[str] = []
        line = node.lineno - 1
        while line in alone and comments[line].startswith(":"):
            above.insert(0, comments[line][1:].strip())
            line -= 1
        meaning, _, arguments = " ".join(above).partition("Arguments:")
        for target in node.targets:
            if isinstance(target, ast.Name):
                found.append(SignalDoc(target.id, meaning.strip(), arguments.strip()))
    return found


def signal_names(path: Path = SIGNALS) -> list[str]:
    return [doc.name for doc in signal_docs(path)]


def signals_markdown() -> str:
    docstring = ast.get_docstring(ast.parse(SIGNALS.read_text())) or ""
    lines = [
        docstring.replace("``", "`"),
        "",
        "| Signal | Sent when | Arguments beyond the usual |",
        "| --- | --- | --- |",
    ]
    for doc in signal_docs():
        meaning, extra = doc.meaning.replace("``", "`"), doc.arguments.replace("``", "`")
        lines.append(
            f"| {code('django_webotp.signals.' + doc.name)} | {cell(meaning)} | {cell(extra)} |"
        )
    return "\n".join(lines) + "\n"
