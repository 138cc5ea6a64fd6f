"""What the real-provider backends share: not a backend itself.

Settings are read through ``webotp_settings`` and constructor arguments beat them; a missing
required setting or SDK raises ``ImproperlyConfigured`` (never silenced by ``fail_silently``);
each message goes out on its own, and an operational failure becomes an ``SmsDeliveryError``
whose text says which provider failed and why, without credentials or the recipient's number.
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ...conf import webotp_settings
from ...exceptions import SmsDeliveryError
from .. import clients
from .base import BaseSmsBackend

__all__ = ["REASONS", "ProviderSmsBackend"]

#: The causes an ``SmsDeliveryError.reason`` can name, with the words used in its message.
REASONS: dict[str, str] = {
    "invalid_number": "the recipient is not a valid phone number",
    "unroutable": "the number cannot be reached by SMS from this sender",
    "throttled": "the provider is rate-limiting this account",
    "auth": "the provider refused the credentials",
    "timeout": "the provider did not answer in time",
    "error": "the provider reported an error",
}


class ProviderSmsBackend(BaseSmsBackend):
    """Base of the backends that talk to a real provider; subclasses implement ``send_message``."""

    #: The provider's name in messages ("Twilio").
    label = ""
    #: ``pip install django-webotp[<extra>]`` installs ``sdk_module``; "" for stdlib only.
    extra = ""
    sdk_module = ""
    #: Constructor argument -> WEBOTP_ setting it overrides (None: an argument only).
    options: dict[str, str | None] = {}
    #: Arguments that must end up with a value.
    required: tuple[str, ...] = ()
    #: The system check reporting this backend's missing settings (see checks/sms_backends.py).
    check_id = ""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        unknown = sorted(set(kwargs) - set(self.options))
        if unknown:
            raise ImproperlyConfigured(
                f"The {self.name} SMS backend takes no argument {', '.join(unknown)}."
            )
        self.config = self.resolve(kwargs)
        missing = self.missing_settings(self.config)
        if missing:
            raise ImproperlyConfigured(f"The {self.name} SMS backend needs {'; '.join(missing)}.")
        self.import_sdk()
        self.timeout = self.check_timeout(self.config.get("timeout"))

    # -- configuration -------------------------------------------------------------------------

    @classmethod
    def resolve(cls, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Each option from the constructor argument if given, else from its setting."""
        config = {}
        for option, setting in cls.options.items():
            value = kwargs.get(option)
            if value is None and setting is not None:
                value = getattr(webotp_settings, setting)
            config[option] = value
        return config

    @classmethod
    def setting_name(cls, option: str) -> str:
        setting = cls.options[option]
        return f"WEBOTP_{setting}" if setting else f"the {option!r} argument"

    @classmethod
    def missing_settings(cls, config: Mapping[str, Any]) -> list[str]:
        """Names of the settings still needed; never their values."""
        return [cls.setting_name(option) for option in cls.required if not config.get(option)]

    @classmethod
    def sdk_installed(cls) -> bool:
        if not cls.sdk_module:
            return True
        try:
            importlib.import_module(cls.sdk_module)
        except ImportError:
            return False
        return True

    def import_sdk(self) -> None:
        if not self.sdk_installed():
            raise ImproperlyConfigured(
                f"The {self.name} SMS backend needs the {self.label} SDK: "
                f"pip install django-webotp[{self.extra}]"
            )

    def check_timeout(self, value: Any) -> float:
        timeout = webotp_settings.SMS_TIMEOUT if value is None else value
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ImproperlyConfigured(
                f"The {self.name} SMS backend's timeout must be a positive number of seconds "
                "(WEBOTP_SMS_TIMEOUT, or the backend's own timeout setting or argument)."
            )
        return timeout

    def call_timeout(self) -> float:
        """The timeout of the next call to the provider: its own, or what is left of the send's
        deadline if that is shorter (never under a tenth of a second)."""
        remaining = self.remaining()
        if remaining is None:
            return self.timeout
        return max(min(self.timeout, remaining), 0.1)

    # -- the provider's client ----------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The provider's client, built on first use and shared by the process's sends."""
        return clients.shared((type(self), self.client_key()), self.build_client)

    def client_key(self) -> Hashable:
        """What shapes the client (credentials, host, timeout): another value, another client."""
        return (self.timeout, *self.config.values())

    def build_client(self) -> Any:
        """A new client for the provider's API; ``client`` calls it once per configuration."""
        raise NotImplementedError

    # -- sending -------------------------------------------------------------------------------

    def send_messages(self, messages: Sequence[Any]) -> int:
        return self._send_each(messages, lambda m: self._stamp(m, self.send_message(m)))

    def send_message(self, message: Any) -> str:
        """Hand one message to the provider; return the provider's message id."""
        raise NotImplementedError

    def failure(self, reason: str, detail: str = "") -> SmsDeliveryError:
        """The error for ``reason``; ``detail`` is the provider's code, never its free text."""
        text = f"{self.label} could not send the SMS: {REASONS[reason]}"
        return SmsDeliveryError(
            f"{text} ({detail})." if detail else f"{text}.", backend=self.name, reason=reason
        )
