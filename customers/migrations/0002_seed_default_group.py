"""Seed the protected default customer group (API.md §4)."""

from django.db import migrations


def create_default_group(apps, schema_editor):
    CustomerGroup = apps.get_model("customers", "CustomerGroup")
    if not CustomerGroup.objects.filter(is_default=True).exists():
        CustomerGroup.objects.create(
            name="default",
            description="Default customer group",
            color_code="#6c757d",
            is_active=True,
            is_default=True,
        )


def remove_default_group(apps, schema_editor):
    apps.get_model("customers", "CustomerGroup").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(create_default_group, remove_default_group)]
