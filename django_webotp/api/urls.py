"""``path("api/webotp/", include("django_webotp.api.urls"))`` in the site's URLconf."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "webotp_api"

# Open to people who are not signed in yet, also under Django's LoginRequiredMiddleware.
urlpatterns = [
    path("start/", login_not_required(views.start), name="start"),
    path("verify/", login_not_required(views.verify), name="verify"),
    path("resend/", login_not_required(views.resend), name="resend"),
    path("status/", login_not_required(views.status), name="status"),
    path("openapi.json", login_not_required(views.openapi), name="openapi"),
]
