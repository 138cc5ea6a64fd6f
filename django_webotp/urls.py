from django.urls import path

from . import purpose_views, views

app_name = "webotp"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("resend/", views.ResendView.as_view(), name="resend"),
    path("status/", views.StatusView.as_view(), name="status"),
    # Purposes beyond sign-in (docs/purposes.md).
    path("two-factor/", purpose_views.TwoFactorView.as_view(), name="two_factor"),
    path(
        "two-factor/cancel/", purpose_views.TwoFactorCancelView.as_view(), name="two_factor_cancel"
    ),
    path("phone/", purpose_views.PhoneChangeView.as_view(), name="phone"),
    path("phone/verify/", purpose_views.PhoneVerifyView.as_view(), name="phone_verify"),
]
