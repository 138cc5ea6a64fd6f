from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import purpose_views, views

app_name = "webotp"

# Signing in must work for people who are not signed in, also under Django's
# LoginRequiredMiddleware; the purpose views decide for themselves who may use them.
urlpatterns = [
    path("", login_not_required(views.LoginView.as_view()), name="login"),
    path("verify/", login_not_required(views.VerifyView.as_view()), name="verify"),
    path("resend/", login_not_required(views.ResendView.as_view()), name="resend"),
    path("status/", login_not_required(views.StatusView.as_view()), name="status"),
    # Purposes beyond sign-in (docs/purposes.md).
    path("two-factor/", purpose_views.TwoFactorView.as_view(), name="two_factor"),
    path(
        "two-factor/cancel/", purpose_views.TwoFactorCancelView.as_view(), name="two_factor_cancel"
    ),
    path("phone/", purpose_views.PhoneChangeView.as_view(), name="phone"),
    path("phone/verify/", purpose_views.PhoneVerifyView.as_view(), name="phone_verify"),
]
