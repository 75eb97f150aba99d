"""logistics_manage and logistics_view join the capability table (accounts/roles.py, issue 10)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_cancel_agree_capabilities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
