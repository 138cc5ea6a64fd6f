from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebOTPConfig(AppConfig):
    name = "django_webotp"
    verbose_name = _("Phone sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
