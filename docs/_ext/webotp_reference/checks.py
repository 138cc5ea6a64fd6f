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


# Signals: django_webotp/signals.py's Signal() objects and its docstring, which names the
# arguments; what each one means is kept here, and tests/test_docs.py fails on a new signal
# that has no entry.

SIGNAL_MEANINGS: dict[str, tuple[str, str]] = {
    "code_requested": ("A code was asked for, before any limit or budget is applied.", ""),
    "code_sent": (
        (
            "The SMS provider took the message (from the task worker with `WEBOTP_DELIVERY = "
            '"task"`, `request=None`).'
        ),
        "",
    ),
    "code_failed": (
        "The SMS could not be sent: the challenge is closed and marked failed.",
        "`reason`",
    ),
    "code_verified": (
        "A right code was entered: the person is signed in, or the step is done.",
        "",
    ),
    "code_rejected": (
        "A code was refused.",
        "`reason`: `wrong`, `locked`, `expired`, `used`, `replaced`, `undelivered`",
    ),
    "challenge_locked": ("Too many wrong codes: the challenge accepts no more.", ""),
    "rate_limited": ("A rate limit refused a request.", "`reason`: `phone`, `ip`, `verify`"),
    "budget_exceeded": (
        "An SMS budget refused a code; alert on it (SMS pumping looks like this).",
        (
            "`reason`: the scope (`ip`, `network`, `number`, `prefix`, `country`, `global`), "
            "`scope_value`, `rate`, `retry_after`"
        ),
    ),
    "phone_changed": (
        "A verified new number replaced the account's numbers.",
        "`request`, `user`, `phone_number` (the new one), `old_numbers` (a list)",
    ),
    "delivery_stalled": (
        (
            "`manage.py webotp_sweep` found the oldest queued code older than "
            "`WEBOTP_QUEUE_STALL_AFTER`: the task workers are down or behind."
        ),
        "`age` (seconds), `queued` (how many wait)",
    ),
}


def signal_names(path: Path = SIGNALS) -> list[str]:
    """The module-level names bound to ``Signal()``, in the module's order."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "Signal"
        ):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
    return names


def signals_markdown() -> str:
    docstring = ast.get_docstring(ast.parse(SIGNALS.read_text())) or ""
    lines = [
        docstring.replace("``", "`"),
        "",
        "| Signal | Sent when | Arguments beyond the usual |",
        "| --- | --- | --- |",
    ]
    for name in signal_names():
        meaning, extra = SIGNAL_MEANINGS[name]
        lines.append(
            f"| {code('django_webotp.signals.' + name)} | {cell(meaning)} | {cell(extra)} |"
        )
    return "\n".join(lines) + "\n"
