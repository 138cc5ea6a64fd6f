"""Neither phonenumbers nor phonenumberslite installed: Django's start-up says which pip install
fixes it, instead of a bare ModuleNotFoundError from inside django-phonenumber-field.

Each test starts a Python of its own in which ``import phonenumbers`` fails as it does when
neither is installed (a ``None`` in ``sys.modules``).
"""

import subprocess
import sys
from pathlib import Path

from django_webotp import PHONE_LIBRARY_MISSING

ROOT = Path(__file__).resolve().parents[1]


def start_django(*, phone_library: bool) -> subprocess.CompletedProcess:
    hide = "" if phone_library else "sys.modules['phonenumbers'] = None; "
    return subprocess.run(
        [sys.executable, "-c", f"import sys; {hide}import django; django.setup()"],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_phone_library_django_says_which_pip_install_fixes_it():
    result = start_django(phone_library=False)
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == f"django.core.exceptions.ImproperlyConfigured: {PHONE_LIBRARY_MISSING}"


def test_the_message_names_both_extras():
    assert 'pip install "django-webotp[phonenumberslite]"' in PHONE_LIBRARY_MISSING
    assert '"django-webotp[phonenumbers]"' in PHONE_LIBRARY_MISSING


def test_with_a_phone_library_django_starts():
    result = start_django(phone_library=True)
    assert (result.returncode, result.stderr) == (0, "")
