"""The test site's URLs without the dev SMS inbox include."""

from .urls import urlpatterns as site_urlpatterns

urlpatterns = [p for p in site_urlpatterns if getattr(p, "app_name", None) != "webotp_dev"]
