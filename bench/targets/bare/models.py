from django.db import models


class Code(models.Model):
    """The one code a number may use: replaced by each start, deleted when used."""

    phone = models.CharField(max_length=32, unique=True)
    code = models.CharField(max_length=16)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.phone
