"""The Panel is part of the service itself: every install has it, before any reference data is loaded."""

from django.db import migrations


def create_panel(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Organisation.objects.get_or_create(
        kind="panel", defaults={"name": "Child Safeguarding Practice Review Panel", "code": "panel"}
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(create_panel, migrations.RunPython.noop)]
