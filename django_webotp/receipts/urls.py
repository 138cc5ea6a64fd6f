"""``path("sms/receipts/", include("django_webotp.receipts.urls"))`` in the site's URLconf.

Then give each provider its URL: ``https://<host>/sms/receipts/twilio/`` (Twilio status
callback), ``.../vonage/`` (Vonage delivery receipt URL), ``.../webhook/`` (your gateway).
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "webotp_receipts"

# Providers never sign in: the signature is the credential.
urlpatterns = [
    path("twilio/", login_not_required(views.twilio), name="twilio"),
    path("vonage/", login_not_required(views.vonage), name="vonage"),
    path("webhook/", login_not_required(views.webhook), name="webhook"),
]
