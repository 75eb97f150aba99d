"""The scan of a paper delivery voucher signed on site (P2.5.b): an attachment, required once the voucher is
signed on paper.

SQLite rebuilds the voucher table to add the column; its immutability triggers (0004) name that table, so
they are dropped first and created again afterwards (PostgreSQL alters the table in place and keeps them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ordertaking.deliveries.migrations import _voucher_triggers as triggers


class Migration(migrations.Migration):

    dependencies = [
        ('attachments', '0001_attachment'),
        ('deliveries', '0004_voucher_immutable'),
        ('logistics', '0001_initial'),
        ('orders', '0005_vat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers.run({"sqlite": triggers.SQLITE_DROP}), triggers.run({"sqlite": triggers.SQLITE})),
        migrations.AddField(
            model_name='deliveryvoucher',
            name='scan',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='attachments.attachment', verbose_name='scan of the signed voucher'),
        ),
        migrations.AddConstraint(
            model_name='deliveryvoucher',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'signed_on_paper'), _negated=True), ('scan__isnull', False), _connector='OR'), name='voucher_paper_has_scan'),
        ),
        migrations.RunPython(triggers.run({"sqlite": triggers.SQLITE}), triggers.run({"sqlite": triggers.SQLITE_DROP})),
    ]
