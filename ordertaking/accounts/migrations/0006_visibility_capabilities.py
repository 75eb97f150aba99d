"""customer_view_all, order_manage_all and floor_price_view join the capability table (accounts/roles.py):
the role sets that customers, orders and catalog hard-coded become permissions on the groups."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_policy_approve_capability")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
