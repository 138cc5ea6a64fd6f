"""The adapter allauth's phone sign-in requires: where the number lives, and the SMS."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model

from bench.targets.common import deliver


class AccountAdapter(DefaultAccountAdapter):
    def get_user_by_phone(self, phone):
        return get_user_model().objects.filter(username=phone).first()

    def get_phone(self, user):
        return (user.username, True)

    def set_phone(self, user, phone, verified):
        user.username = phone
        user.save(update_fields=["username"])

    def set_phone_verified(self, user, phone):
        pass

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        deliver(phone, code)
