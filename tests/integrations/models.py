from django.conf import settings
from django.db import models


class Phone(models.Model):
    """The site's own phone number per account, as allauth's phone support asks a site to keep."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    number = models.CharField(max_length=32, unique=True)
    verified = models.BooleanField(default=False)

    def __str__(self):
        return self.number
