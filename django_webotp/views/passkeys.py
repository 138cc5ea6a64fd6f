"""Passkey pages: the offer after an SMS sign-in, and the signed-in account's list of passkeys.

The ceremonies themselves run in the browser (``static/django_webotp/passkeys.js``) against the
JSON routes that ``django_webotp.urls`` mounts; these pages only pass their URLs on, in data-
attributes, and handle what works without script: "Not now", renaming and removing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from ..conf import webotp_settings
from ..flows import passkeys, reauth, recovery
from ..flows.signin import safe_next
from ..flows.two_factor import State, get_state
from ..models import Passkey
from .base import PAGE_DECORATORS, fixed_url, with_next

__all__ = ["PasskeyOfferView", "PasskeysView", "offer_url"]

#: The signed cookie "Not now" sets: whose offer is snoozed (a user's pk; nothing secret).
SNOOZE_COOKIE = "webotp_passkey_offer"
_SALT = "django_webotp.passkey_offer"


def _snoozed(request: HttpRequest, user: Any) -> bool:
    days = int(webotp_settings.PASSKEY_OFFER_DAYS)
    value = request.get_signed_cookie(SNOOZE_COOKIE, default=None, salt=_SALT, max_age=days * 86400)
    return value == str(user.pk)


def offer_url(request: HttpRequest, user: Any, next_url: str) -> str | None:
    """Where an SMS sign-in goes instead of ``next_url`` to be offered a passkey, or None
    (passkeys off or unavailable here, the account has one already, the offer snoozed). A
    recovery by SMS (``flows.recovery``) is always offered a new passkey: it lost its own."""
    if not webotp_settings.PASSKEYS or not passkeys.available():
        return None
    if recovery.recovered(request):
        return f"{fixed_url('webotp:passkey_offer')}?{urlencode({'next': next_url})}"
    if Passkey.objects.for_user(user).exists() or _snoozed(request, user):
        return None
    return f"{fixed_url('webotp:passkey_offer')}?{urlencode({'next': next_url})}"


def ceremony_urls() -> dict[str, str]:
    """The JSON routes and the script a passkey page hands to ``passkeys.js``."""
    return {
        "sign_in_options_url": fixed_url("webotp:passkey_sign_in_options"),
        "sign_in_url": fixed_url("webotp:passkey_sign_in"),
        "register_options_url": fixed_url("webotp:passkey_register_options"),
        "register_url": fixed_url("webotp:passkey_register"),
        "passkeys_script_url": static("django_webotp/passkeys.js"),
    }


class _SignedInView(View):
    """A page for the signed-in account only; the anonymous go to the login page first."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if get_state(request) in (State.ANONYMOUS, State.PENDING):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


@method_decorator(PAGE_DECORATORS, name="dispatch")
class PasskeyOfferView(_SignedInView):
    """ "Sign in faster next time with a passkey": add one, or "Not now" and go on."""

    template_name = "django_webotp/passkey_offer.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request, request.GET.get("next"))
        if not (webotp_settings.PASSKEYS and passkeys.available()):
            return HttpResponseRedirect(next_url)  # an old link, or passkeys turned off since
        context = {**ceremony_urls(), "next": next_url}
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        """ "Not now": no offer in this browser for WEBOTP_PASSKEY_OFFER_DAYS days."""
        response = HttpResponseRedirect(safe_next(request, request.POST.get("next")))
        days = int(webotp_settings.PASSKEY_OFFER_DAYS)
        response.set_signed_cookie(
            SNOOZE_COOKIE,
            str(request.user.pk),
            salt=_SALT,
            max_age=days * 86400,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response


@method_decorator(PAGE_DECORATORS, name="dispatch")
class PasskeysView(_SignedInView):
    """The account's passkeys: each one's name, dates and kind; rename, remove, add."""

    template_name = "django_webotp/passkeys.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        removed = request.GET.get("removed") == "1"
        return self.render_list(notice=_("The passkey is removed.") if removed else "")

    def render_list(self, status: int = 200, alert: str = "", notice: str = "") -> HttpResponse:
        context = {
            **ceremony_urls(),
            "passkeys": list(Passkey.objects.for_user(self.request.user).order_by("created_at")),
            "offered": webotp_settings.PASSKEYS and passkeys.available(),
            # Adding one needs a recent sign-in (flows.passkeys): say so, rather than fail.
            "recent": reauth.recent(self.request, self.request.user),
            "sign_in_again_url": with_next(fixed_url("webotp:login"), fixed_url("webotp:passkeys")),
            "alert": alert,
            "notice": notice,
            "next": fixed_url("webotp:passkeys"),
        }
        return render(self.request, self.template_name, context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        if action == "rename":
            return self.rename()
        if action == "remove":
            return self.remove()
        return self.render_list(400, _("Choose a passkey to rename or remove."))

    def rename(self) -> HttpResponse:
        name = self.request.POST.get("name", "").strip()
        if not name:
            return self.render_list(400, _("Give the passkey a name."))
        if not passkeys.rename(self.request.user, _as_id(self.request.POST.get("passkey")), name):
            return self.render_list(404, _("That passkey is no longer on your account."))
        return self.render_list(notice=_("The passkey is renamed."))

    def remove(self) -> HttpResponse:
        request = self.request
        owned = Passkey.objects.for_user(request.user)
        passkey_id = _as_id(request.POST.get("passkey"))
        passkey = None if passkey_id is None else owned.filter(pk=passkey_id).first()
        if passkey is None:
            return self.render_list(404, _("That passkey is no longer on your account."))
        if owned.count() == 1 and request.POST.get("confirm") != "yes":
            context = {"passkey": passkey, "cancel_url": fixed_url("webotp:passkeys")}
            return render(request, "django_webotp/passkey_remove.html", context)
        passkeys.remove(request, request.user, passkey.pk)
        return HttpResponseRedirect(fixed_url("webotp:passkeys") + "?removed=1")


def _as_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None
