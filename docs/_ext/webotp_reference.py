"""The reference pages' tables, written from the code when the site is built, so they cannot drift.

A page asks for one with a line of its own, ``<!-- reference: settings -->`` (an HTML comment,
which GitHub shows as nothing), and the ``source-read`` hook below puts the generated Markdown
in its place before MyST reads the page. The generators are plain Python over the package's
source files (``ast``, ``tokenize``, ``json``): nothing is imported from django_webotp and no
Django settings are needed, so tests/test_docs.py runs them without Sphinx.
"""

from __future__ import annotations

import ast
import io
import json
import re
import runpy
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "django_webotp"
CONF = PACKAGE / "conf.py"
MESSAGES = PACKAGE / "checks" / "messages.py"
SIGNALS = PACKAGE / "signals.py"
OPENAPI = PACKAGE / "api" / "openapi.json"
TEMPLATES = PACKAGE / "templates"
MARKER = re.compile(r"^<!-- reference: ([a-z-]+) -->[ \t]*$", re.M)
CHECK_NAME = re.compile(r"^[EW]\d{3}$")


def cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, no bare pipe."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks inside it."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{cell(text)}{pad}{fence}"


# ---------------------------------------------------------------------------------------------
# Settings: django_webotp/conf.py's DEFAULTS, each key's meaning from the comments above it.


@dataclass(frozen=True)
class Setting:
    name: str  # with the WEBOTP_ prefix
    default: str  # repr() of the default
    meaning: str
    section: str


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


def defaults_dict(tree: ast.Module) -> ast.Dict:
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "DEFAULTS":
            assert isinstance(node.value, ast.Dict)  # type: ignore[union-attr]
            return node.value  # type: ignore[union-attr,return-value]
    raise LookupError(f"no DEFAULTS in {CONF}")


# "--- Title (a note). More. ---": the title is what comes before the first "(" or ".".
SECTION = re.compile(r"^---\s*([^(.]*?)\s*(?:[(.].*)?---$")


def settings(path: Path = CONF) -> list[Setting]:
    """Every key of DEFAULTS, in its order, with the meaning its comments give it.

    A key's meaning is the comment block right above it, then any comment at the end of its
    line. A key with only the latter shares the block of the key before it (a group such as the
    three rate limits); a key with neither has no meaning. A ``# --- Title ---`` line starts a
    section.
    """
    source = path.read_text()
    comments, alone = comments_by_line(source)
    found: list[Setting] = []
    section, block = "Sign-in and codes", ""
    defaults = defaults_dict(ast.parse(source))
    for key, value in zip(defaults.keys, defaults.values, strict=True):
        assert isinstance(key, ast.Constant) and isinstance(key.value, str)
        above: list[str] = []
        line = key.lineno - 1
        while line in alone:
            above.insert(0, comments[line])
            line -= 1
        own: list[str] = []
        for text in above:
            title = SECTION.match(text)
            if title:
                section = title.group(1)
                own = []
            else:
                own.append(text)
        if own:
            block = " ".join(own)
        trailing = [
            comments[n]
            for n in range(key.lineno, value.end_lineno + 1)
            if n in comments and n not in alone
        ]  # type: ignore[operator]
        if not own and not trailing:
            block = ""  # no comment at all: no meaning (tests/test_docs.py says so)
        meaning = " ".join(sentence(part) for part in (block, *trailing) if part)
        found.append(
            Setting(
                name="WEBOTP_" + key.value,
                default=repr(ast.literal_eval(value)),
                meaning=meaning,
                section=section,
            )
        )
    return found


# Settings that are not the app's own but change what it does; kept here by hand.
OTHER_SETTINGS = [
    (
        "AUTHENTICATION_BACKENDS",
        "Must hold `django_webotp.backends.PhoneOTPBackend` (check `webotp.W001`).",
    ),
    (
        "LOGIN_URL",
        'Point it at `"webotp:login"` so `login_required` sends people to the phone page.',
    ),
    (
        "LOGIN_REDIRECT_URL",
        "Where a person lands after signing in when no safe `next` says otherwise.",
    ),
    (
        "PHONENUMBER_DEFAULT_REGION",
        (
            "django-phonenumber-field's region for numbers typed without `+` "
            "(`WEBOTP_DEFAULT_REGION` overrides it)."
        ),
    ),
    (
        "RATELIMIT_USE_CACHE",
        (
            "The cache the rate limits and SMS budgets count in; shared between processes in "
            "production (check `webotp.W002`)."
        ),
    ),
    (
        "RATELIMIT_IP_META_KEY",
        (
            "Set it to `django_webotp.abuse.clients.client_ip` behind proxies, with "
            "`WEBOTP_TRUSTED_PROXIES` (check `webotp.W020`)."
        ),
    ),
    (
        "RATELIMIT_ENABLE",
        "django-ratelimit's switch: `False` turns every rate limit off (the SMS budgets stay).",
    ),
    (
        "SECRET_KEY, SECRET_KEY_FALLBACKS",
        (
            "Codes, one-tap link tokens and cookies are derived from them; fallbacks keep codes in "
            "flight working across a rotation."
        ),
    ),
    (
        "SESSION_COOKIE_SECURE, SESSION_COOKIE_PATH, SESSION_COOKIE_DOMAIN",
        "Also applied to the pending, device and remember-this-device cookies.",
    ),
    ("TASKS", 'The task backend used when `WEBOTP_DELIVERY` is `"task"`.'),
    (
        "SECURE_PROXY_SSL_HEADER",
        "Needed behind a TLS-terminating proxy for one-tap links and Twilio's receipt signatures.",
    ),
]


def settings_markdown() -> str:
    lines: list[str] = []
    section = None
    for setting in settings():
        if setting.section != section:
            section = setting.section
            lines += [
                "",
                f"### {section}",
                "",
                "| Setting | Default | Meaning |",
                "| --- | --- | --- |",
            ]
        lines.append(
            f"| {code(setting.name)} | {code(setting.default)} | {cell(setting.meaning)} |"
        )
    lines += ["", "### Other settings that matter", "", "| Setting | Meaning |", "| --- | --- |"]
    lines += [f"| {code(name)} | {cell(meaning)} |" for name, meaning in OTHER_SETTINGS]
    return "\n".join(lines).strip() + "\n"


# ---------------------------------------------------------------------------------------------
# System checks: django_webotp/checks/messages.py, one constant per id.


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


# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# The JSON API: django_webotp/api/openapi.json.

METHODS = ("get", "post", "put", "patch", "delete")


def openapi(path: Path = OPENAPI) -> dict[str, Any]:
    return json.loads(path.read_text())


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def error_codes(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The ``error`` values a response schema allows: the narrowest enum it gives."""
    schema = resolve(document, schema)
    error = schema.get("properties", {}).get("error", {})
    own = error.get("enum") or ([error["const"]] if "const" in error else None)
    parts = [error_codes(document, part) for part in schema.get("allOf", [])]
    narrowed = [
        codes
        for part, codes in zip(schema.get("allOf", []), parts, strict=True)
        if "$ref" not in part and codes
    ]
    if narrowed:
        return narrowed[-1]
    if own:
        return list(own)
    return next((codes for codes in parts if codes), [])


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    summary: str
    fields: list[tuple[str, bool, str]]  # name, required, description
    responses: list[tuple[str, str, list[str]]]  # status, description, error codes


def operations(document: dict[str, Any] | None = None) -> list[Operation]:
    document = document or openapi()
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            fields = []
            body = op.get("requestBody")
            if body:
                media = next(iter(resolve(document, body)["content"].values()))
                schema = resolve(document, media["schema"])
                required = set(schema.get("required", []))
                for name, prop in schema.get("properties", {}).items():
                    fields.append((name, name in required, prop.get("description", "")))
            responses = []
            for status, response in op["responses"].items():
                response = resolve(document, response)
                codes: list[str] = []
                for media in response.get("content", {}).values():
                    if "schema" in media and status[0] in "45":
                        codes = error_codes(document, media["schema"])
                responses.append((status, response.get("description", ""), codes))
            found.append(Operation(path, method.upper(), op.get("summary", ""), fields, responses))
    return found


def api_markdown() -> str:
    document = openapi()
    base = document["servers"][0]["url"] if document.get("servers") else ""
    info = document["info"]
    lines = [
        f"Generated from `django_webotp/api/openapi.json` ({info['title']} {info['version']}, "
        f"OpenAPI {document['openapi']}); paths are under the include, `{base}` in the document.",
        "",
    ]
    lines += [document["info"].get("description", ""), ""]
    ops = operations(document)
    for op in ops:
        lines += [f"## `{op.method} {op.path}`", "", op.summary + ".", ""]
        if op.fields:
            lines += ["| Field | Required | Meaning |", "| --- | --- | --- |"]
            lines += [
                f"| `{name}` | {'yes' if required else 'no'} | {cell(text)} |"
                for name, required, text in op.fields
            ]
            lines.append("")
        lines += ["| Status | Meaning | `error` codes |", "| --- | --- | --- |"]
        for status, text, codes in op.responses:
            lines.append(f"| {status} | {cell(text)} | {', '.join(f'`{c}`' for c in codes)} |")
        lines.append("")
    where: dict[str, list[str]] = {}
    for op in ops:
        for status, _, codes in op.responses:
            for error in codes:
                where.setdefault(error, []).append(f"{op.method} {op.path} {status}")
    lines += ["## Every `error` code", "", "| `error` | Answered by |", "| --- | --- |"]
    for error in document["components"]["schemas"]["Error"]["properties"]["error"]["enum"]:
        answered = ", ".join(f"`{w}`" for w in where.get(error, [])) or "any route (see above)"
        lines.append(f"| `{error}` | {answered} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Templates: every file under django_webotp/templates/ and the {% block %}s it defines.

BLOCK = re.compile(r"{%-?\s*block\s+(\w+)\s*-?%}")
EXTENDS = re.compile(r"{%-?\s*extends\s+[\"']([^\"']+)[\"']\s*-?%}")
INCLUDE = re.compile(r"{%-?\s*include\s+[\"']([^\"']+)[\"']")


@dataclass(frozen=True)
class Template:
    name: str
    extends: str
    blocks: list[str]
    includes: list[str]


def templates(root: Path = TEMPLATES) -> list[Template]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            text = path.read_text()
            extends = EXTENDS.search(text)
            found.append(
                Template(
                    name=path.relative_to(root).as_posix(),
                    extends=extends.group(1) if extends else "",
                    blocks=list(dict.fromkeys(BLOCK.findall(text))),
                    includes=list(dict.fromkeys(INCLUDE.findall(text))),
                )
            )
    return found


def templates_markdown() -> str:
    lines = ["| Template | Extends | Blocks | Includes |", "| --- | --- | --- | --- |"]
    for template in templates():
        blocks = ", ".join(f"`{b}`" for b in template.blocks)
        includes = ", ".join(f"`{i}`" for i in template.includes)
        extends = f"`{template.extends}`" if template.extends else ""
        lines.append(f"| `{template.name}` | {extends} | {blocks} | {includes} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------

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
