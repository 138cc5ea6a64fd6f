from django.urls import path

from bench.targets.common import account

from . import views

urlpatterns = [
    path("bare/", views.start, name="bare-start"),
    path("bare/verify/", views.verify, name="bare-verify"),
    path("account/", account, name="account"),
]
