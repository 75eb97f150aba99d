"""The capabilities of delivery and acceptance (P2.5), customer feedback (P6.1.c, P3.2) and information
management (P4) join the capability table (accounts/roles.py, issues 11 and 12)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_logistics_capabilities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
