"""pytest fixtures for sites that use django-webotp, loaded by the ``pytest11`` entry point.

A site's tests read like Django's ``mailoutbox``::

    def test_sign_in(client, sms_outbox, sms_code):
        client.post("/login/", {"phone_number": "+447911123456"})
        client.post("/login/verify/", {"code": sms_code("+447911123456")})
"""

from __future__ import annotations

import pytest

LOCMEM = "django_webotp.sms.backends.locmem.SmsBackend"

# The fixtures import the app when they run, not here: pytest loads this plugin before
# pytest-django has set up Django and before coverage starts measuring.


@pytest.fixture
def sms_outbox(settings):
    """Send SMS to ``django_webotp.sms.outbox`` for this test, and start it empty.

    Needs pytest-django's ``settings`` fixture. Read codes with the ``sms_code`` fixture.
    """
    from django_webotp import sms

    settings.WEBOTP_SMS_BACKEND = LOCMEM
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def sms_code(sms_outbox):
    """``sms_code(number)``: the code in the newest SMS to ``number`` (any number if omitted).

    Read with the browsers' own origin-bound parsing rules, so a message whose last line is
    not ``@host #code`` gives None, as it would give a browser nothing to fill in.
    """
    from django_webotp.testing import last_code

    return last_code
