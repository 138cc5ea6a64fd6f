"""The SMS backends shipped for development and tests, and the get_connection() contract."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_webotp import sms
from django_webotp.sms import SmsMessage, get_connection, send_sms
from django_webotp.sms.backends import console, dummy, filebased, locmem
from django_webotp.sms.backends.base import BaseSmsBackend

BODY = "123456 is your Example sign-in code.\n\n@example.com #123456"


def test_get_connection_uses_the_setting(settings):
    settings.WEBOTP_SMS_BACKEND = "django_webotp.sms.backends.dummy.SmsBackend"
    assert isinstance(get_connection(), dummy.SmsBackend)
    assert isinstance(
        get_connection("django_webotp.sms.backends.locmem.SmsBackend"), locmem.SmsBackend
    )


def test_get_connection_with_a_bad_path_raises_import_error():
    with pytest.raises(ImportError):
        get_connection("django_webotp.sms.backends.nope.SmsBackend")


def test_send_sms_through_locmem_fills_the_outbox():
    message = send_sms("+447911123456", BODY)
    assert sms.outbox == [message]
    assert message.backend == "locmem"
    assert message.provider_message_id.startswith("locmem-")


def test_console_prints_recipient_and_exact_body():
    stream = io.StringIO()
    backend = console.SmsBackend(stream=stream)
    assert backend.send_messages([SmsMessage("+447911123456", BODY)]) == 1
    printed = stream.getvalue()
    assert "SMS to +447911123456" in printed
    assert f"\n{BODY}\n" in printed


def test_console_is_the_default(settings):
    del settings.WEBOTP_SMS_BACKEND
    assert isinstance(get_connection(), console.SmsBackend)


def test_dummy_sends_nothing():
    message = SmsMessage("+447911123456", BODY)
    assert dummy.SmsBackend().send_messages([message]) == 1
    assert sms.outbox == []
    assert message.backend == "dummy"


def test_filebased_writes_one_file_per_message_with_the_exact_body(tmp_path, settings):
    settings.WEBOTP_SMS_FILE_PATH = str(tmp_path / "outbox")
    backend = filebased.SmsBackend()
    first, second = SmsMessage("+447911123456", BODY), SmsMessage("+15555550100", "hi\n\n@a.b #1")
    assert backend.send_messages([first, second]) == 2
    files = sorted((tmp_path / "outbox").iterdir())
    assert len(files) == 2
    read = [filebased.read_message_file(path) for path in files]
    assert {entry["to"] for entry in read} == {"+447911123456", "+15555550100"}
    by_to = {entry["to"]: entry for entry in read}
    assert by_to["+447911123456"]["body"] == BODY
    assert by_to["+15555550100"]["body"] == "hi\n\n@a.b #1"
    assert by_to["+447911123456"]["message_id"] == first.provider_message_id
    assert by_to["+447911123456"]["date"] is not None


def test_filebased_needs_a_directory(settings, tmp_path):
    settings.WEBOTP_SMS_FILE_PATH = None
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_SMS_FILE_PATH"):
        filebased.SmsBackend()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ImproperlyConfigured, match="not a directory"):
        filebased.SmsBackend(file_path=a_file)


def test_filebased_reports_a_directory_it_cannot_create(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(ImproperlyConfigured, match="Could not create"):
        filebased.SmsBackend(file_path=blocker / "sub")


def test_base_backend_is_a_context_manager_and_abstract():
    class Recording(BaseSmsBackend):
        events: list = []

        def open(self):
            self.events.append("open")

        def close(self):
            self.events.append("close")

    with Recording() as backend:
        assert backend.events == ["open"]
        with pytest.raises(NotImplementedError):
            backend.send_messages([])
    assert Recording.events == ["open", "close"]


def test_base_backend_closes_when_open_fails():
    closed = []

    class Broken(BaseSmsBackend):
        def open(self):
            raise OSError("down")

        def close(self):
            closed.append(True)

    with pytest.raises(OSError), Broken():
        pass
    assert closed == [True]
