"""Templates: every file under django_webotp/templates/ and the {% block %}s it defines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .text import PACKAGE

TEMPLATES = PACKAGE / "templates"
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
