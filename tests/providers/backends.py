"""Failover test backends: one refuses with a chosen reason, one sends nothing."""

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms.backends.base import BaseSmsBackend

opened: list[str] = []


class RefusingBackend(BaseSmsBackend):
    name = "refusing"

    def __init__(self, reason="unroutable", **kwargs):
        super().__init__(**kwargs)
        self.reason = reason

    def open(self):
        opened.append(f"open {self.name}")

    def close(self):
        opened.append(f"close {self.name}")

    def send_messages(self, messages):
        raise SmsDeliveryError(f"refused ({self.reason})", backend=self.name, reason=self.reason)


class SilentBackend(BaseSmsBackend):
    """Reports 0 sent without raising, as a backend built with fail_silently may."""

    name = "silent"

    def send_messages(self, messages):
        return 0
