from django.apps import AppConfig


class IntegrationsSiteConfig(AppConfig):
    """The test site that runs django-allauth and django-two-factor-auth beside the app."""

    name = "tests.integrations"
    label = "integrations_site"
    default_auto_field = "django.db.models.BigAutoField"
