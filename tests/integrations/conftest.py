"""These tests need django-allauth's and django-two-factor-auth's apps: they run with their own
settings (``--ds tests.integrations.settings``, a leg of scripts/test) and are skipped in the
normal run, whose settings do not install those apps."""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE") != "tests.integrations.settings":
    collect_ignore_glob = ["*"]
