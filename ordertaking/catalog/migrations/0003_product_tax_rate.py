"""Every product and service carries its VAT rate (增值税税率, issue 11).

Existing rows: goods get 13% (the field's default, the general rate for goods); services get 6%,
the general rate for modern services. The catalog maintainer corrects the few items taxed at 9% or
3% in the admin (each change an audit event). Orders already entered keep the documented default
of 13% (orders/migrations: a copy at entry is never rewritten from today's catalog).
"""

from django.db import migrations, models


def services_at_six(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Product.objects.filter(kind="service").update(tax_rate=6)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_audit_trail_replaces_simple_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='tax_rate',
            field=models.PositiveSmallIntegerField(choices=[(13, '13% (goods)'), (9, '9% (transport, construction, some goods)'), (6, '6% (modern services)'), (3, '3% (small-scale taxpayer)'), (0, '0% (zero-rated)')], db_default=13, default=13, help_text='增值税税率: the list and floor prices include this VAT (含税).', verbose_name='VAT rate'),
        ),
        migrations.RunPython(services_at_six, migrations.RunPython.noop),
    ]
