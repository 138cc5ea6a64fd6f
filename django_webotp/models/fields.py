"""The phone number field of the app's models: django-phonenumber-field's, parsing through
``phone.known_number`` so that a number named in a query, saved or loaded is parsed and
validated once per process, not once per use."""

from __future__ import annotations

from typing import Any

from phonenumber_field.modelfields import PhoneNumberDescriptor, PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

from ..phone import known_number

__all__ = ["NumberField"]


class _Descriptor(PhoneNumberDescriptor):
    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.name] = self.field.to_python(value)


class NumberField(PhoneNumberField):
    """``PhoneNumberField``, stored and validated exactly as it is (same column, same rules)."""

    descriptor_class = _Descriptor

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            number = known_number(value, self.region)
            return number if number is not None else PhoneNumber(raw_input=value)
        return super().to_python(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)
