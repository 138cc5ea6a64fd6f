from django.urls import include, path

from bench.targets.common import account

urlpatterns = [
    path("_allauth/", include("allauth.headless.urls")),
    path("account/", account, name="account"),
]
