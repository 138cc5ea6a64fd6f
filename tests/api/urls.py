"""The API mounted somewhere else, as another site would mount it."""

from django.urls import include, path

urlpatterns = [path("elsewhere/auth/", include("django_webotp.api.urls"))]
