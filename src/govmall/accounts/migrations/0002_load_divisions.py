from django.db import migrations


def forwards(apps, schema_editor):
    from govmall.accounts.divisions import load_divisions

    load_divisions(apps.get_model("accounts", "Division"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
