"""The example's URLs without the dev SMS inbox include."""

from example_project.urls import urlpatterns as example_urlpatterns

urlpatterns = [p for p in example_urlpatterns if getattr(p, "app_name", None) != "webotp_dev"]
