"""The example's SMS backend: each SMS goes to a file (read by the dev SMS inbox and the Web OTP
simulator) and is printed in the terminal that runs the server, as the console backend does."""

from __future__ import annotations

import sys

from django_webotp.sms.backends import console, filebased


class SmsBackend(filebased.SmsBackend):
    name = "example"

    def send_messages(self, messages) -> int:
        sent = super().send_messages(messages)
        printer = console.SmsBackend(stream=sys.stdout)
        for message in messages:
            sys.stdout.write(printer.format(message))
        sys.stdout.flush()
        return sent
