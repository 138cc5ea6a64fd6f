"""django-phone-verify's viewset with a verify that also signs in, as a site using it must.

The check is the app's own (its serializer); the login is what the app leaves to the site:
the number's account, then ``login()``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, login
from phone_verify.api import VerificationViewSet as Base
from phone_verify.base import response
from phone_verify.serializers import SMSVerificationSerializer
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny


class VerificationViewSet(Base):
    @action(
        detail=False,
        methods=["POST"],
        permission_classes=[AllowAny],
        serializer_class=SMSVerificationSerializer,
    )
    def verify(self, request):
        serializer = SMSVerificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        phone = str(serializer.validated_data["phone_number"])
        user = get_user_model().objects.get(username=phone)
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return response.Ok({"message": "Security code is valid."})
