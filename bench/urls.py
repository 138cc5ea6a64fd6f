from django.urls import path

from example_project.urls import urlpatterns as example_urlpatterns

from . import baseline

urlpatterns = [
    *example_urlpatterns,
    path("bare/", baseline.start, name="bare-start"),
    path("bare/verify/", baseline.verify, name="bare-verify"),
]
