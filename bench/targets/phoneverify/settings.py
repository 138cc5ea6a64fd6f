"""django-phone-verify 3.3 (from PyPI) behind Django REST framework, plus a login after verify.

Its own API as documented (``/api/phone/register``, ``/api/phone/verify``); the one addition is
``views.VerificationViewSet``, whose verify signs the number's account in, as a site using it
for sign-in must. JSON only (no browsable API), as a production API is served.
"""

from bench.targets.base import *  # noqa: F403
from bench.targets.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework", "phone_verify"]
ROOT_URLCONF = "bench.targets.phoneverify.urls"
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
PHONE_VERIFICATION = {
    "BACKEND": "bench.targets.phoneverify.sms.Backend",
    "OPTIONS": {},
    "TOKEN_LENGTH": 6,
    "MESSAGE": "Welcome to {app}, use session code {security_code} for authentication.",
    "APP_NAME": "Bench",
    "SECURITY_CODE_EXPIRATION_SECONDS": 300,
    "VERIFY_SECURITY_CODE_ONLY_ONCE": True,
}
