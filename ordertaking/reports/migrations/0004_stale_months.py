"""The statistics page and the dashboard ask which orders were saved since the rollups were made
(selectors.stale_months): an index on the orders' `updated_at` answers that in a few pages, whatever the
number of orders."""

from django.db import migrations

UPDATED_INDEX = "CREATE INDEX IF NOT EXISTS reports_order_updated ON orders_order (updated_at)"


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_statistics"),
        ("orders", "0005_vat"),
    ]

    operations = [
        migrations.RunSQL(UPDATED_INDEX, "DROP INDEX IF EXISTS reports_order_updated"),
    ]
