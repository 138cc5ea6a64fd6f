"""Exceptions: operational failures share one root; misconfiguration is ImproperlyConfigured."""

from __future__ import annotations

__all__ = ["SmsDeliveryError", "WebOTPError"]


class WebOTPError(Exception):
    """Root of the operational errors a site may want to catch (provider down, number refused)."""


class SmsDeliveryError(WebOTPError):
    """An SMS backend could not hand a message to its provider."""

    def __init__(self, message: str, *, backend: str = "", reason: str = "error") -> None:
        super().__init__(message)
        self.backend = backend
        # A short machine-readable cause: "timeout", "auth", "unroutable", "throttled", "error"...
        self.reason = reason
