"""``path("api/webotp/", include("django_webotp.api.urls"))`` in the site's URLconf."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import passkeys, views

app_name = "webotp_api"

# Open to people who are not signed in yet, also under Django's LoginRequiredMiddleware.
urlpatterns = [
    path("start/", login_not_required(views.start), name="start"),
    path("verify/", login_not_required(views.verify), name="verify"),
    path("resend/", login_not_required(views.resend), name="resend"),
    path("status/", login_not_required(views.status), name="status"),
    path(
        "passkeys/sign-in/options/",
        login_not_required(passkeys.sign_in_options),
        name="passkey_sign_in_options",
    ),
    path("passkeys/sign-in/", login_not_required(passkeys.sign_in), name="passkey_sign_in"),
    # Signed-in accounts only: the views answer 403 not_signed_in in JSON, never a redirect.
    path(
        "passkeys/register/options/",
        login_not_required(passkeys.register_options),
        name="passkey_register_options",
    ),
    path("passkeys/register/", login_not_required(passkeys.register), name="passkey_register"),
    path("openapi.json", login_not_required(views.openapi), name="openapi"),
]
