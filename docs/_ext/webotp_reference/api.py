"""The JSON API: django_webotp/api/openapi.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .text import PACKAGE, cell

OPENAPI = PACKAGE / "api" / "openapi.json"
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
