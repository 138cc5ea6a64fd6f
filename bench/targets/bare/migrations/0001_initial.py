from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Code",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("phone", models.CharField(max_length=32, unique=True)),
                ("code", models.CharField(max_length=16)),
                ("created_at", models.DateTimeField()),
            ],
        ),
    ]
