from django.urls import path

from . import views

app_name = "webotp"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("resend/", views.ResendView.as_view(), name="resend"),
    path("status/", views.StatusView.as_view(), name="status"),
]
