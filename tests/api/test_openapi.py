"""The shipped OpenAPI document: valid 3.1, and it lists exactly what the views do."""

import json
from importlib.resources import files

import pytest
from django.test import Client
from django.urls import URLPattern
from openapi_spec_validator import validate

from django_webotp.api import urls
from django_webotp.api.errors import CODES
from django_webotp.api.views import document

METHODS = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]


def shipped() -> dict:
    return json.loads(files("django_webotp.api").joinpath("openapi.json").read_text("utf-8"))


def test_the_document_is_valid_openapi_3_1():
    spec = shipped()
    assert spec["openapi"].startswith("3.1.")
    validate(spec)


def routes() -> dict[str, str]:
    """URL pattern -> the path the document should use for it."""
    found = {}
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        found["/" + str(pattern.pattern)] = pattern.name
    return found


def test_every_route_is_documented_and_nothing_else():
    assert set(document()["paths"]) == set(routes())


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(routes()))
def test_the_document_lists_exactly_the_methods_each_view_accepts(path):
    documented = set(document()["paths"][path])
    client = Client()  # CSRF checks off: a refusal must come from the method check alone
    accepted = {
        method
        for method in METHODS
        if getattr(client, method)("/api/webotp" + path).status_code != 405
    }
    assert accepted == documented


def error_codes(schema: dict, spec: dict) -> set[str]:
    """The error codes a response schema allows (the narrowest enum it names)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    codes: set[str] = set()
    for part in schema.get("allOf", []):
        error = part.get("properties", {}).get("error", {})
        codes |= set(error.get("enum", [])) | ({error["const"]} if "const" in error else set())
    return codes


def documented_errors() -> dict[str, set[int]]:
    """Each error code -> the HTTP statuses the document answers it with, over every route."""
    spec = document()
    seen: dict[str, set[int]] = {}
    for operations in spec["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                schema = response["content"]["application/json"]["schema"]
                for code in error_codes(schema, spec):
                    seen.setdefault(code, set()).add(int(status))
    return seen


def test_every_error_code_comes_with_its_one_status():
    seen = documented_errors()
    assert set(seen) == set(CODES) - {"method_not_allowed"}  # 405 is described once, in info
    for code, statuses in seen.items():
        assert statuses == {CODES[code]}, code


def test_the_error_schema_lists_every_code():
    enum = document()["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
    assert sorted(enum) == sorted(CODES)
    assert "405" in document()["info"]["description"]


@pytest.mark.django_db
def test_the_served_document_is_the_shipped_one_with_its_server():
    response = Client().get("/api/webotp/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    served = response.json()
    assert served.pop("servers") == [{"url": "/api/webotp"}]
    spec = shipped()
    spec.pop("servers")
    assert served == spec


@pytest.mark.django_db
@pytest.mark.urls("tests.api.urls")
def test_the_served_server_follows_where_the_site_mounts_the_api():
    served = Client().get("/elsewhere/auth/openapi.json").json()
    assert served["servers"] == [{"url": "/elsewhere/auth"}]


def test_document_returns_a_copy():
    document()["paths"].clear()
    assert document()["paths"]
