"""The site's account adapter, as docs/howto/allauth.md tells a site to write it."""

from allauth.account.adapter import DefaultAccountAdapter

from django_webotp.integrations.allauth import WebOTPAccountAdapterMixin

from .models import Phone


class AccountAdapter(WebOTPAccountAdapterMixin, DefaultAccountAdapter):
    def set_phone(self, user, phone, verified):
        Phone.objects.update_or_create(user=user, defaults={"number": phone, "verified": verified})

    def get_phone(self, user):
        phone = Phone.objects.filter(user=user).first()
        return (phone.number, phone.verified) if phone else None

    def set_phone_verified(self, user, phone):
        Phone.objects.filter(user=user, number=phone).update(verified=True)

    def get_user_by_phone(self, phone):
        found = Phone.objects.select_related("user").filter(number=phone).first()
        return found.user if found else None
