from django.urls import path

from . import link_views, views

app_name = "webotp"

urlpatterns = [
    path("", views.LoginView.as_view(), name="login"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("resend/", views.ResendView.as_view(), name="resend"),
    path("status/", views.StatusView.as_view(), name="status"),
    path("c/", link_views.LinkConfirmView.as_view(), name="link_confirm"),
    path("c/<str:token>/", link_views.LinkView.as_view(), name="link"),
]
