from django.urls import path

from bench.targets.common import account
from example_project.urls import urlpatterns as example_urlpatterns

# The signed-in page every target shares, in front of the example's own.
urlpatterns = [path("account/", account, name="account"), *example_urlpatterns]
