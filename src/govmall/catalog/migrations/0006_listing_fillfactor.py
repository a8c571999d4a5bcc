"""PostgreSQL: leave a fifth of each page of `catalog_listing` free, so that the stock UPDATE
of every order line can write the new row version on the same page (a HOT update: none of the
listing's eleven indexes is touched). With full pages, three in four stock updates inserted
into every index (measured on the orders benchmark; ADR 0009). Rows written before this
migration move to roomier pages as they are updated and vacuumed."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_listing SET (fillfactor = 80)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_listing RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_terms_statistics")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
