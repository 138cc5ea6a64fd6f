"""``path("api/webotp/", include("django_webotp.api.urls"))`` in the site's URLconf."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import passkeys, views

app_name = "webotp_api"

#: The passkey ceremonies' JSON routes; ``django_webotp.urls`` mounts the same list for the
#: pages' script. The registration routes are for signed-in accounts only: their views answer
#: 403 not_signed_in in JSON, never a redirect to the login page.
passkey_patterns = [
    path(
        "passkeys/sign-in/options/",
        login_not_required(passkeys.sign_in_options),
        name="passkey_sign_in_options",
    ),
    path("passkeys/sign-in/", login_not_required(passkeys.sign_in), name="passkey_sign_in"),
    path(
        "passkeys/register/options/",
        login_not_required(passkeys.register_options),
        name="passkey_register_options",
    ),
    path("passkeys/register/", login_not_required(passkeys.register), name="passkey_register"),
]

# Open to people who are not signed in yet, also under Django's LoginRequiredMiddleware.
urlpatterns = [
    path("start/", login_not_required(views.start), name="start"),
    path("verify/", login_not_required(views.verify), name="verify"),
    path("resend/", login_not_required(views.resend), name="resend"),
    path("status/", login_not_required(views.status), name="status"),
    *passkey_patterns,
    path("openapi.json", login_not_required(views.openapi), name="openapi"),
]
