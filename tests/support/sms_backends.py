"""An SMS backend whose provider always times out."""

from django_webotp.exceptions import SmsDeliveryError
from django_webotp.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    name = "failing"

    def send_messages(self, messages):
        raise SmsDeliveryError("provider timed out", backend=self.name, reason="timeout")
