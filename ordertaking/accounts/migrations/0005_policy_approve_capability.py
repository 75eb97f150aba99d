"""The capability to approve a change of the credit scorecard (issue 8): the groups match roles.py again."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_apitoken_expires_at")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
