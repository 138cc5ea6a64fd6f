"""Custom user models: the sign-in must work whatever the site's AUTH_USER_MODEL is.

tests/settings.py picks one by WEBOTP_TEST_USER_MODEL (default Django's auth.User); both are
always installed, so their groups and permissions get their own reverse names.
"""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import AbstractUser, Group, Permission, PermissionsMixin
from django.db import models


class EmailUserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class EmailUser(AbstractBaseUser, PermissionsMixin):
    """Signs in by e-mail address: no ``username`` field at all."""

    email = models.CharField(max_length=254, unique=True)  # a phone sign-up stores the number
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="email_users")
    user_permissions = models.ManyToManyField(Permission, blank=True, related_name="email_users")

    objects = EmailUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"


class UUIDUser(AbstractUser):
    """Django's user with a UUID primary key: foreign keys to it are not integers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    groups = models.ManyToManyField(Group, blank=True, related_name="uuid_users")
    user_permissions = models.ManyToManyField(Permission, blank=True, related_name="uuid_users")
