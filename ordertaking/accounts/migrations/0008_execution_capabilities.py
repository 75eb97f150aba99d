"""task_view_all, task_work, task_assign, assignment_rule_manage and calendar_manage join the capability
table (accounts/roles.py) for the execution chapter (P2.4.a, P3.3)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_user_leader")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
