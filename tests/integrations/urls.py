from django.urls import include, path

from tests.project.urls import urlpatterns as site

urlpatterns = [path("accounts/", include("allauth.urls")), *site]
