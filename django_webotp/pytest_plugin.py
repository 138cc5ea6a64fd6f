"""pytest fixtures for sites that use django-webotp (loaded by the ``pytest11`` entry point)."""

from __future__ import annotations

import pytest

LOCMEM = "django_webotp.sms.backends.locmem.SmsBackend"


@pytest.fixture
def sms_outbox(settings):
    """Send SMS to ``django_webotp.sms.outbox`` for this test, and start it empty.

    Needs pytest-django's ``settings`` fixture. Read codes with ``django_webotp.testing.last_code``.
    """
    from django_webotp import sms

    settings.WEBOTP_SMS_BACKEND = LOCMEM
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
