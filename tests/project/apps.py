from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The site the tests sign in to: its pages, and the custom user models they run under."""

    name = "tests.project"
    label = "project"
    default_auto_field = "django.db.models.BigAutoField"
