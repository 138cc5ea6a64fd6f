from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebOTPConfig(AppConfig):
    name = "django_webotp"
    verbose_name = _("Phone sign-in")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the system checks)
        from .flows import reauth

        # Every sign-in stamps its session: a recent one counts as a re-authentication.
        user_logged_in.connect(reauth.on_login, dispatch_uid="django_webotp.reauth")
