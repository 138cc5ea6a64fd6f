"""Development URLs: ``path("dev/", include("django_webotp.dev.urls"))``. 404 unless DEBUG."""

from django.urls import path

from . import views

app_name = "webotp_dev"

urlpatterns = [
    path("sms/", views.inbox_view, name="inbox"),
    path("sms/simulator.json", views.simulator_messages, name="simulator_messages"),
]
