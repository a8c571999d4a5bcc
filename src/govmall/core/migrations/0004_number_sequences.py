"""PostgreSQL sequences of the readable numbers, made once here so that writers use them
without a CREATE per call (and without racing on the first one)."""

from django.db import migrations

NAMES = ("ord", "con", "quo", "as", "rt", "lst", "sup")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS govmall_seq_{name}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_numbersequence_notification")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
