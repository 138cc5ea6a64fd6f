"""Type your password again: a recent re-authentication, for the steps that ask for one.

The phone page links here (``?next=`` back to it) when a session must prove it is the owner's
before a new number gets a code. Whatever the page, the stamp is ``flows.reauth``'s; a passkey
page would set the same one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from ..flows import reauth
from ..flows.signin import safe_next
from ..flows.two_factor import State, get_state, real_user
from .base import PAGE_DECORATORS, rate_limited

__all__ = ["PasswordForm", "ReauthView"]


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": _("Enter your password.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


@method_decorator(PAGE_DECORATORS, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="post")
class ReauthView(View):
    """ "Confirm it is you": the signed-in account's password, then back to ``next``."""

    template_name = "django_webotp/reauth.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if get_state(request) is State.ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        self.user = real_user(request)
        self.next_url = request.POST.get("next") or request.GET.get("next") or ""
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: PasswordForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "next": self.next_url}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(PasswordForm(initial={"next": self.next_url}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        outcome = reauth.by_password(request, self.user, form.cleaned_data["password"])
        if outcome is True:
            return HttpResponseRedirect(safe_next(request, self.next_url))
        if outcome is False:
            form.add_error("password", _("This password is not right."))
            return self.render_form(form, status=400)
        return rate_limited(request, outcome)
