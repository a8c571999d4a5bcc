"""PostgreSQL only: fine-grained statistics on the search terms (the planner's row estimates
and the search's choice of scan read `most_common_elems`; see docs/search.md)."""

from django.db import migrations


def raise_target(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE catalog_searchrow ALTER COLUMN terms SET STATISTICS 1000"
        )


def reset_target(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_searchrow ALTER COLUMN terms SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_origin_labels")]
    operations = [migrations.RunPython(raise_target, reset_target)]
