from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("account/password/", views.set_password, name="set_password"),
    path("protected/", views.protected, name="protected"),
    path("pay/", views.pay, name="pay"),
    path("logout/", views.logout_view, name="logout"),
    path("login/", include("django_webotp.urls")),
    path("api/webotp/", include("django_webotp.api.urls")),
    # Delivery receipts from SMS providers (signature-checked; see docs/howto/receipts.md).
    path("sms/receipts/", include("django_webotp.receipts.urls")),
    # Django's own password sign-in; two-step verification follows it where a view requires it.
    path(
        "password-login/",
        auth_views.LoginView.as_view(template_name="password_login.html"),
        name="password_login",
    ),
    path("admin/", admin.site.urls),
    # The dev SMS inbox and the Web OTP simulator's feed (404 unless DEBUG; never in production).
    path("dev/", include("django_webotp.dev.urls")),
]
