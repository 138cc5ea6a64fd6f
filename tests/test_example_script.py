"""``bash scripts/example``: the one command that serves the example, and runs its other commands.

It sets itself up (a virtualenv with the app's runtime dependencies, ``.venv-example``), so the
first run here installs; later runs reuse it. Not in the sdist (no scripts/): skipped there.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "example"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="scripts/example is not here")


def test_example_createsuperuser_makes_an_admin_account(tmp_path):
    """The documented way into the example's admin: ``bash scripts/example createsuperuser``."""
    database = tmp_path / "example.sqlite3"
    env = {
        **os.environ,
        "EXAMPLE_DB_PATH": str(database),
        "DJANGO_SUPERUSER_PASSWORD": "correct horse battery staple",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the example's manage.py picks its own settings
    result = subprocess.run(
        ["bash", str(SCRIPT), "createsuperuser", "--noinput", "--username", "admin",
         "--email", "admin@example.com"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Superuser created successfully." in result.stdout
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT username, is_superuser, is_staff FROM auth_user"
        ).fetchall()
    assert rows == [("admin", 1, 1)]
