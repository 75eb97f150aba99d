"""VAT and the fapiao on invoices (issue 11, P3.6).

Existing invoice lines take the rate of the order line they bill, which orders/migrations/0005_vat
set to the documented default of **13%** for every order entered before issue 11; each line's tax
and amount without tax follow by the one rule (common.money.vat_split: tax = round(amount × 13 / 113)
half-up to the fen, net = amount − tax) and the invoice's figures are the sums of its lines'. The
tax-inclusive amount is untouched, so receivables and exposure do not move. Existing invoices have
no fapiao recorded yet (未开票): finance records them on the invoice page.
docs/conventions.md "VAT" says the same; finance/tests/test_fapiao.py runs this migration's function.
"""

from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from ordertaking.common.money import vat_split

BATCH = 500


def split_existing(apps, schema_editor):
    Invoice = apps.get_model("finance", "Invoice")
    InvoiceLine = apps.get_model("finance", "InvoiceLine")
    ids = list(Invoice.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        sums = {pk: [Decimal("0.00"), Decimal("0.00")] for pk in chunk}
        lines = list(InvoiceLine.objects.filter(invoice_id__in=chunk).select_related("order_line"))
        for ln in lines:
            ln.tax_rate = ln.order_line.tax_rate
            ln.net_amount, ln.tax_amount = vat_split(ln.amount, ln.tax_rate)
            sums[ln.invoice_id][0] += ln.net_amount
            sums[ln.invoice_id][1] += ln.tax_amount
        InvoiceLine.objects.bulk_update(lines, ["tax_rate", "net_amount", "tax_amount"], batch_size=BATCH)
        invoices = list(Invoice.objects.filter(pk__in=chunk))
        for inv in invoices:
            inv.net_amount, inv.tax_amount = sums[inv.pk]
        Invoice.objects.bulk_update(invoices, ["net_amount", "tax_amount"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_invoicing_details'),
        ('finance', '0003_alert_params'),
        ('orders', '0005_vat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='invoice',
            name='fapiao_date',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='fapiao date'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='fapiao_number',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=20, verbose_name='fapiao number'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='fapiao_status',
            field=models.CharField(choices=[('not_issued', 'Not issued'), ('issued', 'Issued'), ('reversed', 'Reversed (red-letter)')], db_default='not_issued', default='not_issued', editable=False, max_length=12, verbose_name='fapiao status'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='fapiao_type',
            field=models.CharField(blank=True, db_default='', default='', choices=[('normal', 'General VAT invoice'), ('special', 'Special VAT invoice')], editable=False, max_length=10, verbose_name='fapiao type'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='net_amount',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), max_digits=14, verbose_name='amount without tax'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='tax_amount',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), max_digits=14, verbose_name='tax'),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='net_amount',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), max_digits=14, verbose_name='amount without tax'),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='tax_amount',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), max_digits=14, verbose_name='tax'),
        ),
        migrations.AddField(
            model_name='invoiceline',
            name='tax_rate',
            field=models.PositiveSmallIntegerField(choices=[(13, '13% (goods)'), (9, '9% (transport, construction, some goods)'), (6, '6% (modern services)'), (3, '3% (small-scale taxpayer)'), (0, '0% (zero-rated)')], db_default=13, default=13, verbose_name='VAT rate'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['fapiao_status', 'issue_date'], name='invoice_fapiao_status'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(condition=models.Q(('fapiao_number', ''), _negated=True), fields=('fapiao_type', 'fapiao_number'), name='invoice_fapiao_number_unique'),
        ),
        migrations.RunPython(split_existing, migrations.RunPython.noop),
    ]
