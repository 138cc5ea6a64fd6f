"""``path("sms/receipts/", include("django_webotp.receipts.urls"))`` in the site's URLconf.

Then give each provider its URL: ``https://<host>/sms/receipts/twilio/`` (Twilio status
callback), ``.../vonage/`` (Vonage delivery receipt URL), ``.../webhook/`` (your gateway).
"""

from django.urls import path

from . import views

app_name = "webotp_receipts"

urlpatterns = [
    path("twilio/", views.twilio, name="twilio"),
    path("vonage/", views.vonage, name="vonage"),
    path("webhook/", views.webhook, name="webhook"),
]
