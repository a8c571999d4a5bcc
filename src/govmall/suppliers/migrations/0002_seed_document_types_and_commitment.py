from django.db import migrations


def forwards(apps, schema_editor):
    from govmall.suppliers.seed import seed_reference

    seed_reference(apps.get_model("suppliers", "DocumentType"),
                   apps.get_model("suppliers", "CommitmentText"))


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
