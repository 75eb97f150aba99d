"""production_view, production_manage and quality_inspect join the capability table (accounts/roles.py):
the groups get them here, in production's own migration, so accounts' migration numbers stay free."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("production", "0001_initial"), ("accounts", "0008_execution_capabilities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
