"""VAT on orders (issue 11): each line's rate, amount without tax and tax; the order's sums.

Existing lines were entered before the system knew VAT rates. They migrate with the documented
default rate of **13%** (the general rate for goods, catalog.DEFAULT_TAX_RATE), whatever their
product's rate today: their prices were agreed tax-inclusive and stay as they are; only the split is
added, by the one rule (common.money.vat_split: tax = round(amount × 13 / 113) half-up to the fen,
amount without tax = amount − tax), and the order's net_total and tax_total are the sums of its
lines' figures. total_amount (tax-inclusive) is untouched, so credit exposure does not move.
docs/conventions.md "VAT" says the same; orders/tests/test_vat_migration.py runs this migration.
"""

from decimal import Decimal

from django.db import migrations, models

from ordertaking.common.money import vat_split

MIGRATION_RATE = 13  # the documented default for orders entered before issue 11
BATCH = 500


def split_existing(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    order_ids = list(Order.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(order_ids), BATCH):
        ids = order_ids[start:start + BATCH]
        sums = {pk: [Decimal("0.00"), Decimal("0.00")] for pk in ids}
        lines = list(OrderLine.objects.filter(order_id__in=ids))
        for ln in lines:
            ln.tax_rate = MIGRATION_RATE
            ln.net_amount, ln.tax_amount = vat_split(ln.amount, MIGRATION_RATE)
            sums[ln.order_id][0] += ln.net_amount
            sums[ln.order_id][1] += ln.tax_amount
        OrderLine.objects.bulk_update(lines, ["tax_rate", "net_amount", "tax_amount"], batch_size=BATCH)
        orders = list(Order.objects.filter(pk__in=ids))
        for order in orders:
            order.net_total, order.tax_total = sums[order.pk]
        Order.objects.bulk_update(orders, ["net_total", "tax_total"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_product_tax_rate'),
        ('orders', '0004_order_approved_total'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='net_total',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='amount without tax'),
        ),
        migrations.AddField(
            model_name='order',
            name='tax_total',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), editable=False, max_digits=14, verbose_name='tax'),
        ),
        migrations.AddField(
            model_name='orderline',
            name='net_amount',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), max_digits=14, verbose_name='amount without tax'),
        ),
        migrations.AddField(
            model_name='orderline',
            name='tax_amount',
            field=models.DecimalField(decimal_places=2, db_default=Decimal('0.00'), default=Decimal('0.00'), max_digits=14, verbose_name='tax'),
        ),
        migrations.AddField(
            model_name='orderline',
            name='tax_rate',
            field=models.PositiveSmallIntegerField(choices=[(13, '13% (goods)'), (9, '9% (transport, construction, some goods)'), (6, '6% (modern services)'), (3, '3% (small-scale taxpayer)'), (0, '0% (zero-rated)')], db_default=13, default=13, verbose_name='VAT rate'),
        ),
        migrations.AddConstraint(
            model_name='orderline',
            constraint=models.CheckConstraint(condition=models.Q(('net_amount__gte', 0), ('tax_amount__gte', 0)), name='orderline_vat_not_negative'),
        ),
        migrations.RunPython(split_existing, migrations.RunPython.noop),
    ]
