"""Four eyes on the credit scorecard (issue 8): a version is proposed, then approved by leadership.
Versions already there were in force; version 1 is seeded by 0003, so reading the policy never writes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='scorecardpolicy',
            name='decided_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='scorecardpolicy',
            name='decided_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='scorecardpolicy',
            name='decision_comment',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='scorecardpolicy',
            name='state',
            field=models.CharField(choices=[('proposed', 'Awaiting approval'), ('in_force', 'In force'), ('rejected', 'Rejected')], default='in_force', editable=False, max_length=12, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='scorecardpolicy',
            name='state',
            field=models.CharField(choices=[('proposed', 'Awaiting approval'), ('in_force', 'In force'), ('rejected', 'Rejected')], default='proposed', editable=False, max_length=12, verbose_name='state'),
        ),
        migrations.AddConstraint(
            model_name='scorecardpolicy',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), ('created_by__isnull', True), models.Q(('decided_by', models.F('created_by')), _negated=True), _connector='OR'), name='policy_decider_not_proposer'),
        ),
    ]
