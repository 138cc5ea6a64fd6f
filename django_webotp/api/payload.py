"""Read a request body sent as JSON or as form fields; raises nothing but InvalidRequest."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParserError

__all__ = [
    "FORM_TYPES",
    "UNREADABLE_FORM",
    "InvalidRequest",
    "is_json",
    "read_fields",
    "read_form",
    "read_object",
]

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InvalidRequest(Exception):
    """The body is neither a JSON object nor form fields, or a field is not a string: a 400."""


def is_json(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


#: What reading ``request.POST`` raises for a body Django cannot parse: a malformed multipart
#: body, too many fields, a form declared in a charset other than UTF-8 (BadRequest), or a
#: charset that names a codec unable to decode it ("idna", "undefined": UnicodeError) or no
#: text codec at all ("base64", "rot13": LookupError).
UNREADABLE_FORM = (MultiPartParserError, SuspiciousOperation, BadRequest, UnicodeError, LookupError)


def read_form(request: HttpRequest) -> QueryDict:
    """``request.POST``, with a malformed or oversized form body reported as InvalidRequest."""
    try:
        return request.POST
    except UNREADABLE_FORM as exc:
        raise InvalidRequest(str(exc)) from exc


def _body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except SuspiciousOperation as exc:  # larger than DATA_UPLOAD_MAX_MEMORY_SIZE
        raise InvalidRequest(str(exc)) from exc


def read_fields(request: HttpRequest, names: tuple[str, ...]) -> QueryDict:
    """The body's fields as form data; each of ``names`` must be a string when present.

    A JSON object's string members replace ``request.POST``, so that whatever reads form data,
    such as a ``WEBOTP_BOT_CHECK`` looking for its token, reads a JSON body the same way.
    """
    if request.content_type in FORM_TYPES:
        return read_form(request)
    if not is_json(request):
        if _body(request):
            raise InvalidRequest("Unsupported content type.")
        return QueryDict()
    data = _json_object(request)
    for name in names:
        if name in data and not isinstance(data[name], str):
            raise InvalidRequest(f"{name} must be a string.")
    strings = [(key, value) for key, value in data.items() if isinstance(value, str)]
    try:
        # A form field can never hold a lone surrogate ("\ud800" is valid JSON); nor can these.
        fields = QueryDict(urlencode(strings))
    except (UnicodeEncodeError, SuspiciousOperation) as exc:  # or over 1,000 fields
        raise InvalidRequest("The body holds text that is not valid Unicode.") from exc
    request.POST = fields  # type: ignore[misc]
    return fields


def read_object(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object, for the routes whose fields are objects themselves (a
    passkey's answer); an empty body is an empty object."""
    if request.content_type in FORM_TYPES:  # read already (a CSRF token may be a field)
        raise InvalidRequest("Send a JSON object (Content-Type: application/json).")
    if not is_json(request):
        if _body(request):
            raise InvalidRequest("Send a JSON object (Content-Type: application/json).")
        return {}
    return _json_object(request)


def _json_object(request: HttpRequest) -> dict[str, Any]:
    """A JSON body as an object; an empty body is an empty object."""
    raw = _body(request)
    try:
        data: Any = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError) as exc:
        raise InvalidRequest("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise InvalidRequest("The body is not a JSON object.")
    return data
