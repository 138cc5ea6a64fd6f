"""The test helpers shipped for sites: the last code and message sent, the outbox fixture."""

from django_webotp import sms
from django_webotp.sms import SmsMessage
from django_webotp.testing import last_code, last_message


def test_last_code_reads_the_origin_bound_line():
    assert last_code() is None
    sms.outbox.append(SmsMessage("+447911123456", "hi\n\n@example.com #424242"))
    sms.outbox.append(SmsMessage("+15555550100", "no code here"))
    assert last_code("+447911123456") == "424242"
    assert last_code("+15555550100") is None
    assert last_message().to == "+15555550100"
    assert last_message("+10000000000") is None
    assert last_code("+10000000000") is None


def test_sms_outbox_fixture_switches_to_locmem(sms_outbox, settings):
    assert settings.WEBOTP_SMS_BACKEND == "django_webotp.sms.backends.locmem.SmsBackend"
    sms.send_sms("+447911123456", "x\n\n@example.com #1")
    assert len(sms_outbox) == 1
