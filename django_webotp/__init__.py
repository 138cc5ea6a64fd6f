"""Passwordless phone sign-in for Django, with the browser's Web OTP API filling the code in."""

from importlib.util import find_spec

from django.core.exceptions import ImproperlyConfigured

__version__ = "0.1.0"

# django-phonenumber-field needs phonenumbers or phonenumberslite (one import name, so the site
# picks one and the app forces neither). Without either, say so before Django loads the models,
# where it would surface as a bare ModuleNotFoundError deep in phonenumber_field.
PHONE_LIBRARY_MISSING = (
    "django-webotp needs a phone number library, phonenumbers or phonenumberslite, and neither "
    'is installed: pip install "django-webotp[phonenumberslite]" (or "django-webotp[phonenumbers]" '
    "for the full library with geocoding and carrier data)."
)

if find_spec("phonenumbers") is None:
    raise ImproperlyConfigured(PHONE_LIBRARY_MISSING)
