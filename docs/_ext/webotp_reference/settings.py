"""Settings: django_webotp/conf.py's DEFAULTS, each key's meaning from the comments above it."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .text import PACKAGE, cell, code, comments_by_line, sentence

CONF = PACKAGE / "conf.py"


@dataclass(frozen=True)
class Setting:
    name: str  # with the WEBOTP_ prefix
    default: str  # repr() of the default
    meaning: str
    section: str


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
