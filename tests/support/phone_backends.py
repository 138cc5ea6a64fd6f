"""A site's own subclass of the phone backend, for the two-step tests."""

from django_webotp.backends import PhoneOTPBackend


class SitePhoneBackend(PhoneOTPBackend):
    pass
