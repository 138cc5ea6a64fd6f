"""Migrates a target's database and gives it the benchmark's users; run by the target's python.

    DJANGO_SETTINGS_MODULE=... BENCH_DB=... python bench/seed.py 5000

Every target signs in returning users: ``count`` accounts, each with a phone number as its
username (the number each target looks the account up by), and, where django-webotp is
installed, the number's PhoneIdentity. Prints the installed versions as JSON.
"""

from __future__ import annotations

import json
import sys
from contextlib import suppress
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

PACKAGES = (
    "Django",
    "django-webotp",
    "django-phone-verify",
    "djangorestframework",
    "django-allauth",
)


def phone(n: int) -> str:
    return f"+4479111{n:05d}"


def seed(count: int) -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=phone(n), password=make_password(None)) for n in range(count)]
    )
    if apps.is_installed("django_webotp"):
        from django_webotp.models import PhoneIdentity

        PhoneIdentity.objects.bulk_create(
            [
                PhoneIdentity(user=user, phone_number=user.username, can_sign_in=True)
                for user in users
            ]
        )


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        with suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


if __name__ == "__main__":
    django.setup()
    seed(int(sys.argv[1]))
    print(json.dumps(versions()))
