"""The package's shape, as STYLE.md and pyproject's import-linter contracts describe it.

import-linter (run by scripts/test) checks the layers; these check what it cannot: that the flows
import nothing of HTTP or templates, that no function imports one of the package's own modules
to dodge a cycle, and that no module outgrows one concern.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "django_webotp"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
FLOWS_MAY_NOT_IMPORT = ("django.http", "django.shortcuts", "django.template")
#: Imports that run late on purpose: Django's own convention for registering checks, and
#: fixtures that must not import the app before pytest-django has configured it.
LATE_IMPORTS_ALLOWED = {
    ("apps.py", "ready"),
    ("pytest_plugin.py", "sms_outbox"),
    ("pytest_plugin.py", "sms_code"),
}


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules imported outside ``if TYPE_CHECKING:`` blocks."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node):
            if isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append(child.module)
            elif isinstance(child, ast.Import):
                found.extend(alias.name for alias in child.names)
    return found


@pytest.mark.parametrize("path", [p for p in MODULES if "flows" in p.parts], ids=_name)
def test_the_flows_import_no_http_and_no_templates(path):
    imports = _runtime_imports(ast.parse(path.read_text()))
    assert [m for m in imports if m.startswith(FLOWS_MAY_NOT_IMPORT)] == []


def _own_imports_in_functions(tree: ast.Module) -> list[str]:
    late = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for child in ast.walk(node):
            own = isinstance(child, ast.ImportFrom) and (
                child.level > 0 or (child.module or "").startswith("django_webotp")
            )
            if own:
                late.append(node.name)
    return late


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_imports_the_package_to_dodge_a_cycle(path):
    late = _own_imports_in_functions(ast.parse(path.read_text()))
    assert [f for f in late if (path.name, f) not in LATE_IMPORTS_ALLOWED] == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_300_lines(path):
    assert len(path.read_text().splitlines()) <= 300


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_function_is_over_50_lines(path):
    tree = ast.parse(path.read_text())
    long = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > 50
    ]
    assert long == []
