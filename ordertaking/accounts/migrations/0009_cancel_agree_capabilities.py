"""order_cancel_agree and order_cancel_agree_above join the capability table (accounts/roles.py):
the cancellation of an approved order is agreed by the order center, above an amount by leadership."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_execution_capabilities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
