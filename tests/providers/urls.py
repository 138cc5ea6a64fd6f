"""The example site's URLs plus the delivery receipts, as a site going live would include them."""

from django.urls import include, path

from example_project.urls import urlpatterns as site_urls

urlpatterns = [path("sms/receipts/", include("django_webotp.receipts.urls")), *site_urls]
