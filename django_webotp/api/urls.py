"""``path("api/webotp/", include("django_webotp.api.urls"))`` in the site's URLconf."""

from django.urls import path

from . import views

app_name = "webotp_api"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("verify/", views.verify, name="verify"),
    path("resend/", views.resend, name="resend"),
    path("status/", views.status, name="status"),
    path("openapi.json", views.openapi, name="openapi"),
]
