"""Admin: challenges are read-only and never show a code; identities are searchable; passkeys
show what a person sees of them, never their key material."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .dashboard import dashboard_context
from .models import Challenge, DeliveryEvent, Passkey, PhoneIdentity, Status


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
    fields = readonly_fields = ("received_at", "provider", "status", "raw_status", "error_code")
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
    fields = readonly_fields = (
        "id",
        "phone_number",
        "purpose",
        "user",
        # What a confirmation confirmed (its digest is not shown: it means nothing to a person).
        "action_description",
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
    )
    inlines = [DeliveryEventInline]

    def get_urls(self):
        dashboard = self.admin_site.admin_view(self.dashboard_view)
        return [
            path("dashboard/", dashboard, name="django_webotp_challenge_dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Phone sign-in dashboard"),
            **dashboard_context(),
        }
        return TemplateResponse(request, "admin/django_webotp/challenge/dashboard.html", context)

    @admin.display(description=_("status"))
    def status_display(self, obj: Challenge) -> str:
        return obj.get_status_display()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PhoneIdentity)
class PhoneIdentityAdmin(admin.ModelAdmin):
    # "Signs in alone": whether its code is a way in without the password, or only the second
    # step after it. Turning it on for a password account makes that password optional.
    list_display = ["phone_number", "user", "can_sign_in", "verified_at", "created_at"]
    list_filter = ["can_sign_in"]
    list_select_related = ["user"]
    fields = ["user", "phone_number", "can_sign_in", "verified_at", "created_at"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at"]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["phone_number", f"user__{get_user_model().USERNAME_FIELD}"]


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    """What the account's own passkey page shows: rename or delete, never add (a passkey is made
    by its owner's authenticator) and never the credential id or public key."""

    list_display = ["name", "user", "created_at", "last_used_at", "synced"]
    list_filter = ["backup_eligible"]
    list_select_related = ["user"]
    fields = ["user", "name", "created_at", "last_used_at", "synced", "backed_up"]
    readonly_fields = ["user", "created_at", "last_used_at", "synced", "backed_up"]
    date_hierarchy = "created_at"

    @admin.display(boolean=True, description=_("synced"))
    def synced(self, obj: Passkey) -> bool:
        return obj.synced

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["name", f"user__{get_user_model().USERNAME_FIELD}"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
