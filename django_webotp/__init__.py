"""Passwordless phone sign-in for Django, with the browser's Web OTP API filling the code in."""

__version__ = "0.1.0"
