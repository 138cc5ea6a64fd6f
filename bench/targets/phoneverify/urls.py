from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bench.targets.common import account

from .views import VerificationViewSet

router = DefaultRouter(trailing_slash=False)
router.register("phone", VerificationViewSet, basename="phone")

urlpatterns = [
    path("api/", include(router.urls)),
    path("account/", account, name="account"),
]
