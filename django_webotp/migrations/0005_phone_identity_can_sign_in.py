"""Each phone identity says whether it signs its user in alone or is only a second factor.

Existing numbers: a number of an account that has no usable password came from phone sign-up (or
is the account's only way in) and keeps signing in; a number of an account with a password is
taken to be its two-step number and becomes a second factor only, so the password stays needed.
"""

from django.contrib.auth.hashers import is_password_usable
from django.db import migrations, models

BATCH = 1000


def _has_password(encoded):
    return bool(encoded) and is_password_usable(encoded)


def phone_only_accounts_sign_in(apps, schema_editor):
    PhoneIdentity = apps.get_model("django_webotp", "PhoneIdentity")
    rows = PhoneIdentity.objects.values_list("pk", "user__password").order_by("pk")
    signs_in = [pk for pk, password in rows.iterator(chunk_size=BATCH) if not _has_password(password)]
    for start in range(0, len(signs_in), BATCH):
        PhoneIdentity.objects.filter(pk__in=signs_in[start : start + BATCH]).update(
            can_sign_in=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("django_webotp", "0004_purposes"),
    ]

    operations = [
        migrations.AddField(
            model_name="phoneidentity",
            name="can_sign_in",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Whether a code sent to this number signs its user in without a password. "
                    "Off: the number is only the second step after the password."
                ),
                verbose_name="signs in alone",
            ),
        ),
        migrations.RunPython(phone_only_accounts_sign_in, migrations.RunPython.noop, elidable=True),
    ]
