from django.urls import path

from bench.targets.common import account
from example_project.urls import urlpatterns as example_urlpatterns

# The signed-in page every target shares, in front of the example's own; without the dev SMS
# inbox, which a site with DEBUG off must not include (check webotp.E030).
urlpatterns = [
    path("account/", account, name="account"),
    *(p for p in example_urlpatterns if str(p.pattern) != "dev/"),
]
