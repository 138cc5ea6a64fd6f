"""django-phone-verify's SMS backend for the benchmark: each message goes to the Redis inbox."""

from __future__ import annotations

import re

from phone_verify.backends.base import BaseBackend

from bench.targets.common import deliver


class Backend(BaseBackend):
    def __init__(self, **options):
        super().__init__(**options)
        self.exception_class = RuntimeError

    def send_sms(self, number, message):
        deliver(str(number), re.search(r"\d{6}", message).group(0))

    def send_bulk_sms(self, numbers, message):
        for number in numbers:
            self.send_sms(number, message)
