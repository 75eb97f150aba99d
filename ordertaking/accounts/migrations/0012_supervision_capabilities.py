"""The legal adviser and investigator roles, and the capabilities of legal compliance (P5.3),
supervision inspections (P6.1.a), whistleblowing (P6.1.b) and assessment (P6.2) join the capability
table (accounts/roles.py, issue 13)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_delivery_information_capabilities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
