"""Admin: challenges are read-only and never show a code; identities are searchable."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Challenge, DeliveryEvent, PhoneIdentity, Status


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.with_status(self.value())
        return queryset


class DeliveryEventInline(admin.TabularInline):
    """The provider's delivery receipts, oldest first; written only by the receipts views."""

    model = DeliveryEvent
    fields = ["received_at", "provider", "status", "raw_status", "error_code"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("delivery timeline")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = [
        "phone_number",
        "purpose",
        "status_display",
        "delivery_status",
        "attempts",
        "created_at",
        "requesting_ip",
    ]
    list_filter = [
        StatusFilter,
        "purpose",
        "delivery_status",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["phone_number", "=provider_message_id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = [
        "id",
        "phone_number",
        "purpose",
        "user",
        "status_display",
        "created_at",
        "expires_at",
        "attempts",
        "max_attempts",
        "code_length",
        "consumed_at",
        "invalidated_at",
        "delivery_status",
        "delivery_error",
        "delivery_error_code",
        "delivery_backend",
        "provider_message_id",
        "requesting_ip",
    ]
    readonly_fields = fields
    inlines = [DeliveryEventInline]

    @admin.display(description=_("status"))
    def status_display(self, obj: Challenge) -> str:
        return obj.get_status_display()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PhoneIdentity)
class PhoneIdentityAdmin(admin.ModelAdmin):
    list_display = ["phone_number", "user", "verified_at", "created_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["phone_number", f"user__{get_user_model().USERNAME_FIELD}"]
