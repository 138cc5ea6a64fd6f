from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("logout/", views.logout_view, name="logout"),
    path("login/", include("django_webotp.urls")),
    path("api/webotp/", include("django_webotp.api.urls")),
    path("admin/", admin.site.urls),
    # The dev SMS inbox and the Web OTP simulator's feed (404 unless DEBUG; never in production).
    path("dev/", include("django_webotp.dev.urls")),
]
