"""The phone form and the code form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .abuse.destinations import destination_refusal
from .conf import webotp_settings
from .phone import parse_phone

__all__ = ["CodeForm", "PhoneForm", "clean_destination"]


class PhoneForm(forms.Form):
    phone_number = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "autofocus": True}
        ),
        error_messages={"required": _("Enter your phone number.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_phone_number(self) -> str:
        return clean_destination(self.cleaned_data["phone_number"])


def clean_destination(raw: str) -> str:
    """``raw`` as E.164 when it is a number codes may go to, else the form error that says why
    (also django-allauth's phone field's, through ``integrations.allauth``)."""
    number = parse_phone(raw)
    if number is None:
        raise forms.ValidationError(
            _("Enter a valid phone number, including the country code (for example +44)."),
            code="invalid_phone",
        )
    refusal = destination_refusal(number)
    reason = refusal.reason if refusal is not None else None
    if reason == "region":
        raise forms.ValidationError(
            _("Sorry, we cannot send codes to phone numbers in this country."),
            code="region_not_allowed",
        )
    if reason == "number_type":
        raise forms.ValidationError(
            _("This number cannot receive our codes by SMS. Please use a mobile number."),
            code="number_type_not_allowed",
        )
    return number.as_e164


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the code from the SMS.")},
    )

    def __init__(self, *args, code_length: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.code_length = code_length or webotp_settings.CODE_LENGTH

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."), code="invalid_code")
        if len(code) != self.code_length:
            raise forms.ValidationError(
                _("The code has %(length)d digits."),
                code="invalid_code",
                params={"length": self.code_length},
            )
        return code
