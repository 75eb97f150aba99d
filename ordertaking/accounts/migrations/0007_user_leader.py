"""A user's leader, to whom an order at risk without a contingency plan is escalated (P5.2.a), and the
capability to record contingency plans."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sync(apps, schema_editor):
    from ordertaking.accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_visibility_capabilities'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='leader',
            field=models.ForeignKey(blank=True, help_text="Who is told when this person's order is at risk without a plan.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='team', to=settings.AUTH_USER_MODEL, verbose_name='leader'),
        ),
        # contingency_plan_record joins the capability table (P5.2.a)
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
