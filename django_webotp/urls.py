from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .api.urls import passkey_patterns

app_name = "webotp"

# Signing in must work for people who are not signed in, also under Django's
# LoginRequiredMiddleware; the purpose views decide for themselves who may use them.
urlpatterns = [
    path("", login_not_required(views.LoginView.as_view()), name="login"),
    path("verify/", login_not_required(views.VerifyView.as_view()), name="verify"),
    path("resend/", login_not_required(views.ResendView.as_view()), name="resend"),
    path("status/", login_not_required(views.StatusView.as_view()), name="status"),
    # Purposes beyond sign-in (docs/howto/two-factor.md, phone-change.md, confirm.md).
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/cancel/", views.TwoFactorCancelView.as_view(), name="two_factor_cancel"),
    path("phone/", views.PhoneChangeView.as_view(), name="phone"),
    path("phone/verify/", views.PhoneVerifyView.as_view(), name="phone_verify"),
    path("phone/current/", views.PhoneCurrentView.as_view(), name="phone_current"),
    path("reauth/", views.ReauthView.as_view(), name="reauth"),
    # Passkeys (docs/howto/passkeys.md): the offer after an SMS sign-in, the account's list, and
    # the JSON ceremony routes of django_webotp.api.urls mounted here too, for the pages' script
    # on a site without the JSON API (the same views, not a copy).
    path("passkeys/", views.PasskeysView.as_view(), name="passkeys"),
    path("passkeys/offer/", views.PasskeyOfferView.as_view(), name="passkey_offer"),
    *passkey_patterns,
    # One-tap links from the SMS: open to whoever holds the SMS.
    path("c/", login_not_required(views.LinkConfirmView.as_view()), name="link_confirm"),
    path("c/<str:token>/", login_not_required(views.LinkView.as_view()), name="link"),
]
